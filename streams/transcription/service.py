"""The transcriber as the Kafka agent sees it: start a pool, then stream segments per file."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from streams.transcription import worker
from streams.transcription.decoding import probe_duration
from streams.transcription.errors import NoSpeechError
from streams.transcription.segments import Progress, RecognizedSegment
from streams.transcription.settings import TranscriptionSettings


class TranscriptionService:
    def __init__(self, settings: TranscriptionSettings) -> None:
        self._settings = settings
        self._pool: ProcessPoolExecutor | None = None
        self.engine_name: str | None = None

    async def start(self) -> None:
        # spawn, not fork: the caller runs an event loop and threads that a fork would copy.
        self._pool = ProcessPoolExecutor(
            max_workers=self._settings.asr_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init_worker,
            initargs=(self._settings,),
        )
        loop = asyncio.get_running_loop()
        self.engine_name = await loop.run_in_executor(self._pool, worker.engine_name)

    async def stop(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """Process ids of the pool's workers (for memory measurements)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return list(processes)

    async def probe(self, path: Path) -> float:
        # Demuxing is light and mostly outside the GIL: a thread, not the busy pool.
        return await asyncio.to_thread(probe_duration, path)

    async def transcribe(self, path: Path) -> AsyncIterator[RecognizedSegment | Progress]:
        if self._pool is None:
            raise RuntimeError("TranscriptionService.start() was not awaited")
        began = time.monotonic()
        duration = await self.probe(path)
        loop = asyncio.get_running_loop()
        start = 0.0
        heard_speech = False
        while True:
            piece = await loop.run_in_executor(self._pool, worker.recognize_piece, path, start)
            for segment in piece.segments:
                heard_speech = True
                yield segment
            done = piece.reached_end or piece.end <= start
            processed = duration if done else min(piece.end, duration)
            yield Progress(duration, round(processed, 3), round(time.monotonic() - began, 3))
            if done:
                break
            start = piece.end
        if not heard_speech:
            raise NoSpeechError(f"{path}: no speech in {duration:.1f} s")
