"""From upload complete to ``analysis.completed``, as a share of the recording's duration.

    python -m bench.pipeline_latency [--minutes 3]

Runs a worker and a gateway of their own on the real Kafka and PostgreSQL, uploads a
synthetic interview of about ``--minutes`` through the gateway, and reads the two record
timestamps (CreateTime) of ``interview.uploaded`` and ``analysis.completed`` for it.
Target: ≤ 0.3 × the recording's duration.

It also prints what the content analysis adds after the final transcript segment: the
time from that segment to the speech path's final metrics, to the content path's END
record on ``answer.analysis`` (questions paired, every answer analysed), and to the
analysis. Target for the analyzer's added latency: under 3 s for a 3-minute interview.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from bench.transcription_speed import build_recording
from dev.service_processes import gateway_process, new_prefix, worker_process
from dev.topic_records import wait_for_record
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    INTERVIEW_UPLOADED,
    SEGMENT_METRICS,
    TRANSCRIPT_SEGMENTS,
)

IB = Path(sys.executable).parent / "ib"


def audio_seconds(path: Path) -> float:
    return float(subprocess.check_output(["soxi", "-D", str(path)], text=True))


async def measure(minutes: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        recording = build_recording(Path(tmp) / "audio", minutes)
        duration = audio_seconds(recording)
        prefix = new_prefix()
        run_dir = Path(tmp) / "run"
        worker = worker_process(prefix, run_dir, BOOTSTRAP, DATABASE_URL)
        gateway = gateway_process(prefix, run_dir, BOOTSTRAP, DATABASE_URL)
        worker.start()
        gateway.start()
        try:
            env = {**os.environ, **{k: v for k, v in gateway.env().items() if k.startswith("IB_")}}
            token = subprocess.check_output([str(IB), "dev-token", "bench"], env=env, text=True).strip()
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=gateway.url, headers=headers, timeout=120) as client:
                interview_id = client.post("/interviews", json={"company": "Bench"}).json()["interview_id"]
                with recording.open("rb") as body:
                    client.put(
                        f"/interviews/{interview_id}/recording",
                        content=body,
                        headers={"Content-Type": "audio/wav", "X-Filename": recording.name},
                    ).raise_for_status()
            key = interview_id.encode()
            uploaded = await wait_for_record(
                BOOTSTRAP, INTERVIEW_UPLOADED, prefix, lambda r: r.key == key, 60
            )
            completed = await wait_for_record(
                BOOTSTRAP, ANALYSIS_COMPLETED, prefix, lambda r: r.key == key, 1800
            )
            final_segment = await wait_for_record(
                BOOTSTRAP,
                TRANSCRIPT_SEGMENTS,
                prefix,
                lambda r: r.key == key and r.decoded(TRANSCRIPT_SEGMENTS)["final"],
                60,
            )
            final_metrics = await wait_for_record(
                BOOTSTRAP,
                SEGMENT_METRICS,
                prefix,
                lambda r: r.key == key and r.decoded(SEGMENT_METRICS)["final"],
                60,
            )
            answers_end = await wait_for_record(
                BOOTSTRAP,
                ANSWER_ANALYSIS,
                prefix,
                lambda r: r.key == key and r.decoded(ANSWER_ANALYSIS)["kind"] == "END",
                60,
            )
        finally:
            gateway.stop()
            worker.stop()
    latency = (completed.timestamp - uploaded.timestamp) / 1000
    print(f"recording: {duration:.1f} s of audio")
    print(f"upload complete → analysis.completed: {latency:.1f} s")
    print(f"ratio to the recording's duration: {latency / duration:.3f} (target ≤ 0.3)")
    turns = answers_end.decoded(ANSWER_ANALYSIS)["turn_index"]

    def after_final(record_timestamp: int) -> float:
        return (record_timestamp - final_segment.timestamp) / 1000

    print(f"after the final segment: speech metrics {after_final(final_metrics.timestamp):.2f} s, ", end="")
    print(f"{turns} answers analysed {after_final(answers_end.timestamp):.2f} s, ", end="")
    print(f"analysis.completed {after_final(completed.timestamp):.2f} s")
    added = after_final(completed.timestamp) - after_final(final_metrics.timestamp)
    print(f"content analysis added after the speech path: {added:.2f} s (target < 3 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    asyncio.run(measure(parser.parse_args().minutes))
