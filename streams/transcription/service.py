"""The transcriber as the Kafka agent sees it: start a pool, then stream segments per file."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from streams.transcription import worker
from streams.transcription.decoding import probe_duration
from streams.transcription.errors import NoSpeechError, RecognizerCrashedError
from streams.transcription.segments import Progress, RecognizedSegment
from streams.transcription.settings import TranscriptionSettings
from streams.transcription.speaker_clusters import SpeakerClusters
from streams.transcription.speakers import labelled_segments
from topics.errors import InterviewBuddyError

log = logging.getLogger(__name__)
#: Asked between pieces: False once the recording is no longer wanted (it was deleted).
KeepGoing = Callable[[], Awaitable[bool]]


class TranscriptionStopped(InterviewBuddyError):
    """The recording was deleted while it was transcribed: nothing failed, the work just ends."""

    code = "transcription_stopped"


class TranscriptionService:
    """Recognizes recordings piece by piece in a process pool.

    When a pool process dies (killed, out of memory, a crash in native code), the pool is
    replaced and the piece is recognized again; a piece that kills the recognizer twice
    raises :class:`RecognizerCrashedError` instead of looping.
    """

    def __init__(self, settings: TranscriptionSettings) -> None:
        self._settings = settings
        self._pool: ProcessPoolExecutor | None = None
        self._replacing = asyncio.Lock()
        self.engine_name: str | None = None
        self.restarts = 0
        # Seconds spent recognizing and telling speakers apart, for the speaker split's cost.
        self.recognize_seconds = 0.0
        self.speaker_seconds = 0.0

    async def start(self) -> None:
        self._pool = await self._new_pool()

    async def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the caller runs an event loop and threads that a fork would copy.
        pool = ProcessPoolExecutor(
            max_workers=self._settings.asr_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init_worker,
            initargs=(self._settings,),
        )
        loop = asyncio.get_running_loop()
        self.engine_name = await loop.run_in_executor(pool, worker.engine_name)
        return pool

    async def _replace(self, broken: ProcessPoolExecutor) -> None:
        async with self._replacing:
            if self._pool is not broken:
                return  # another transcription replaced it already
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = await self._new_pool()
            self.restarts += 1

    def _running_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            raise RuntimeError("TranscriptionService.start() was not awaited")
        return self._pool

    async def _recognize(self, path: Path, start: float) -> worker.PieceResult:
        loop = asyncio.get_running_loop()
        pool = self._running_pool()
        try:
            return await loop.run_in_executor(pool, worker.recognize_piece, path, start)
        except BrokenProcessPool as exc:
            log.error("the recognizer process died (%s); starting a new one", exc)
            await self._replace(pool)
        try:
            return await loop.run_in_executor(self._running_pool(), worker.recognize_piece, path, start)
        except BrokenProcessPool as exc:
            raise RecognizerCrashedError(
                f"the recognizer process died twice on {path.name} at {start:.1f} s"
            ) from exc

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

    async def transcribe(
        self, path: Path, keep_going: KeepGoing | None = None
    ) -> AsyncIterator[RecognizedSegment | Progress]:
        """Segments and progress, piece by piece. ``keep_going`` is asked before each piece and
        before its words are given out: when it answers False, :class:`TranscriptionStopped`."""
        self._running_pool()
        began = time.monotonic()
        duration = await self.probe(path)
        start = 0.0
        heard_speech = False
        speakers = self._speaker_clusters()
        while True:
            await _check(keep_going, path, start)
            piece = await self._recognize(path, start)
            await _check(keep_going, path, start)
            for segment in self._with_speakers(piece, speakers):
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

    def _speaker_clusters(self) -> SpeakerClusters:
        return SpeakerClusters(
            threshold=self._settings.speaker_threshold,
            max_speakers=self._settings.max_speakers,
            min_voiced_seconds=self._settings.speaker_min_voiced_seconds,
        )

    def _with_speakers(self, piece: worker.PieceResult, speakers: SpeakerClusters) -> list[RecognizedSegment]:
        """The piece's segments, labelled with speakers when the worker heard their voices."""
        self.recognize_seconds += piece.recognize_seconds
        if piece.voices is None:
            return piece.segments
        began = time.perf_counter()
        labels = iter(speakers.label([voice for voices in piece.voices for voice in voices]))
        labelled = [
            part
            for segment, voices in zip(piece.segments, piece.voices, strict=True)
            for part in labelled_segments(segment, voices, [next(labels) for _ in voices])
        ]
        self.speaker_seconds += piece.voices_seconds + time.perf_counter() - began
        return labelled


async def _check(keep_going: KeepGoing | None, path: Path, start: float) -> None:
    if keep_going is not None and not await keep_going():
        raise TranscriptionStopped(f"{path.name}: no longer wanted at {start:.1f} s")
