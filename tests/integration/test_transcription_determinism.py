"""One recording gives the same segments on every run, whatever the pool process decoded before.

The first 20 s of the meeting recording make faster-whisper fall back to sampling at a
temperature above 0 (when a voiced gap is heard again), and without a seed each run printed
other words there ("I think I'm a bit", "And, uh, and, uh", "And, When um, there").
"""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from streams.transcription import RecognizedSegment, TranscriptionService, TranscriptionSettings

pytestmark = pytest.mark.slow
REAL_SPEECH = Path(__file__).resolve().parents[3] / "shared" / "eval" / "speech"
if not REAL_SPEECH.exists():
    REAL_SPEECH = Path("/work/shared/eval/speech")
CLIP_SECONDS = 20


@pytest_asyncio.fixture(scope="module")
async def one_process_pool() -> AsyncIterator[TranscriptionService]:
    """One pool process, so every run lands on the process that decoded the others."""
    transcriber = TranscriptionService(TranscriptionSettings(asr_workers=1))
    await transcriber.start()
    yield transcriber
    await transcriber.stop()


def meeting_clip(out: Path) -> Path:
    with (
        wave.open(str(REAL_SPEECH / "ami_meeting_excerpt_4spk.wav")) as src,
        wave.open(str(out), "wb") as dst,
    ):
        dst.setparams(src.getparams())
        dst.writeframes(src.readframes(CLIP_SECONDS * src.getframerate()))
    return out


async def segments_of(service: TranscriptionService, path: Path) -> list[RecognizedSegment]:
    return [item async for item in service.transcribe(path) if isinstance(item, RecognizedSegment)]


async def test_a_recording_decoded_three_times_gives_identical_segments(
    one_process_pool: TranscriptionService, tmp_path: Path
) -> None:
    recording = meeting_clip(tmp_path / "meeting.wav")

    first = await segments_of(one_process_pool, recording)
    # Whisper loops on this one's filled pauses, so it samples too: the process's random
    # generator has moved on before the next run.
    await segments_of(one_process_pool, REAL_SPEECH / "mfa_uhuh.wav")
    second = await segments_of(one_process_pool, recording)
    third = await segments_of(one_process_pool, recording)

    assert first, "the clip has speech"
    # Whole segments: text, times, every word's times and confidence, speaker.
    assert second == first
    assert third == first
