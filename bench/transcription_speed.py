"""Real-time factor and worker memory of the default speech engine.

    python -m bench.transcription_speed               # ~3-minute synthetic interview
    python -m bench.transcription_speed --minutes 60  # memory must stay flat on a long upload

RTF = wall time of decode + recognition / audio duration (model loading excluded). Peak RSS
is sampled every 0.2 s over this process and the pool's worker process together.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil

from dev.synthesize import make_corpus
from streams.transcription import Progress, RecognizedSegment, TranscriptionService, TranscriptionSettings


def build_recording(out_dir: Path, minutes: float) -> Path:
    """Joins the synthetic answers (~3 min) and repeats them up to `minutes`."""
    make_corpus(out_dir)
    answers = sorted(str(p) for p in out_dir.glob("answer_*.wav"))
    once = out_dir / "interview_once.wav"
    subprocess.run(["sox", *answers, str(once)], check=True)
    if minutes <= 3.5:
        return once
    repeats = max(int(minutes * 60 / float(subprocess.check_output(["soxi", "-D", str(once)]))), 1)
    long = out_dir / f"interview_{minutes:g}min.wav"
    subprocess.run(["sox", str(once), str(long), "repeat", str(repeats - 1)], check=True)
    return long


class PeakRss:
    def __init__(self, pids: list[int]) -> None:
        self._processes = [psutil.Process(pid) for pid in pids]
        self.peak = 0
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            rss = sum(p.memory_info().rss for p in self._processes)
            self.samples.append(rss)
            self.peak = max(self.peak, rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def run(minutes: float, settings: TranscriptionSettings) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        recording = build_recording(Path(tmp), minutes)
        service = TranscriptionService(settings)
        await service.start()
        try:
            duration = await service.probe(recording)
            words = 0
            last: Progress | None = None
            # The whole worker: this (event-loop) process and its recognizer pool.
            with PeakRss([os.getpid(), *service.worker_pids()]) as memory:
                began = time.monotonic()
                async for item in service.transcribe(recording):
                    if isinstance(item, RecognizedSegment):
                        words += len(item.words)
                    else:
                        last = item
                elapsed = time.monotonic() - began
        finally:
            await service.stop()
    mib = 1024 * 1024
    quarter = max(len(memory.samples) // 4, 1)
    print(f"audio {duration:.1f} s, {words} words, wall {elapsed:.1f} s")
    rtf = elapsed / duration
    print(f"real-time factor {rtf:.3f} (threads={settings.asr_threads}, beam={settings.whisper_beam_size})")
    first, final = max(memory.samples[:quarter]) / mib, max(memory.samples[-quarter:]) / mib
    print(f"peak RSS of event loop + pool {memory.peak / mib:.0f} MiB")
    print(f"quarter peaks: first {first:.0f} MiB, last {final:.0f} MiB")
    if last is not None:
        print(f"progress at end: {last.processed_seconds:.1f}/{last.audio_duration:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--beam-size", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    overrides = {k: v for k, v in (("whisper_beam_size", args.beam_size), ("asr_threads", args.threads)) if v}
    asyncio.run(run(args.minutes, TranscriptionSettings(**overrides)))


if __name__ == "__main__":
    main()
