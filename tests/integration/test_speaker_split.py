"""The speaker split with the real offline engine (needs the model, no Kafka): a synthetic
two-voice interview comes out with the interviewer's and the candidate's words under two
labels, and the same lines in one voice under one."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from dev import synthesize
from streams.transcription import RecognizedSegment, TranscriptionService, TranscriptionSettings

pytestmark = pytest.mark.slow
#: A woman interviews a man: their voices are ~10 semitones apart.
TWO_VOICES = "dialogue_conflict"


@pytest_asyncio.fixture(scope="module")
async def service() -> AsyncIterator[TranscriptionService]:
    transcriber = TranscriptionService(TranscriptionSettings(speaker_split=True))
    await transcriber.start()
    yield transcriber
    await transcriber.stop()


async def segments_of(service: TranscriptionService, path: Path) -> list[RecognizedSegment]:
    return [item async for item in service.transcribe(path) if isinstance(item, RecognizedSegment)]


def who_spoke(turns: list[dict[str, Any]], moment: float) -> str:
    """The speaker of the line at ``moment``, or of the nearest line in a pause."""
    nearest = min(turns, key=lambda t: 0.0 if t["start"] <= moment <= t["end"] else min(
        abs(t["start"] - moment), abs(t["end"] - moment)
    ))  # fmt: skip
    return str(nearest["speaker"])


def words_labelled_right(segments: list[RecognizedSegment], turns: list[dict[str, Any]]) -> float:
    """Share of words whose label is right under the best one-to-one renaming of labels."""
    pairs = [(s.speaker, who_spoke(turns, (w.start + w.end) / 2)) for s in segments for w in s.words]
    labels = sorted({label for label, _ in pairs if label is not None})
    speakers = sorted({speaker for _, speaker in pairs}) + ["nobody"] * len(labels)
    best = max(
        sum(1 for label, speaker in pairs if dict(zip(labels, names, strict=True)).get(label) == speaker)
        for names in itertools.permutations(speakers, len(labels))
    )
    return best / len(pairs)


async def test_interviewer_and_candidate_get_different_labels(
    service: TranscriptionService, tmp_path: Path
) -> None:
    recording = tmp_path / "two_voices.wav"
    turns = synthesize.make_dialogue(
        synthesize.DIALOGUES[TWO_VOICES], synthesize.DIALOGUE_VOICES[TWO_VOICES], recording
    )
    recognized_before, split_before = service.recognize_seconds, service.speaker_seconds
    segments = await segments_of(service, recording)
    assert {s.speaker for s in segments} == {"S1", "S2"}
    assert words_labelled_right(segments, turns) >= 0.9
    assert all(s.speaker_confidence is not None and 0.0 <= s.speaker_confidence <= 1.0 for s in segments)
    # Where Whisper ran a question into its answer, the segment was cut at the change of voice.
    questions = [s for s in segments if s.text.rstrip().endswith("?")]
    assert questions and all(s.speaker == questions[0].speaker for s in questions)
    recognized = service.recognize_seconds - recognized_before
    split = service.speaker_seconds - split_before
    assert split < 0.1 * recognized, f"the split took {split:.2f} s for {recognized:.1f} s of recognition"


async def test_one_voice_gets_one_label(service: TranscriptionService, tmp_path: Path) -> None:
    recording = tmp_path / "one_voice.wav"
    synthesize.make_monologue(synthesize.DIALOGUES["dialogue_data"][:3], "en-us+m3", recording)
    segments = await segments_of(service, recording)
    assert len({s.speaker for s in segments} - {None}) <= 1


async def test_the_split_can_be_turned_off(tmp_path: Path) -> None:
    recording = tmp_path / "short.wav"
    synthesize.make_dialogue(
        synthesize.DIALOGUES[TWO_VOICES][:2], synthesize.DIALOGUE_VOICES[TWO_VOICES], recording
    )
    transcriber = TranscriptionService(TranscriptionSettings(speaker_split=False))
    await transcriber.start()
    try:
        segments = await segments_of(transcriber, recording)
    finally:
        await transcriber.stop()
    assert segments and all(s.speaker is None and s.speaker_confidence is None for s in segments)
