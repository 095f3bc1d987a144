"""The recognizer runs in a process pool; a process that dies must not lose the recording."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from dev import synthesize
from streams.transcription import RecognizedSegment, TranscriptionService, TranscriptionSettings

pytestmark = pytest.mark.slow

ANSWER = "I planned the project with my team, and we finished it three weeks early."


async def test_a_killed_recognizer_process_is_replaced_and_the_recording_still_transcribed(
    tmp_path: Path,
) -> None:
    recording = tmp_path / "answer.wav"
    synthesize.speak(ANSWER, recording)
    service = TranscriptionService(TranscriptionSettings())
    await service.start()
    try:
        for pid in service.worker_pids():
            os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer or a native crash would

        words = [
            word.word.strip(".,").lower()
            async for item in service.transcribe(recording)
            if isinstance(item, RecognizedSegment)
            for word in item.words
        ]

        assert {"planned", "project", "team", "finished", "weeks", "early"} <= set(words)
        assert service.restarts == 1
    finally:
        await service.stop()
