"""The default engine on its own (needs the model, no Kafka): pieces, progress, the repetition
guard, bad uploads, containers, and loose bounds on real recordings. The accuracy targets on
synthetic answers are held on the real stack, in tests/e2e/test_analyze_accuracy.py."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import jiwer
import pytest
import pytest_asyncio

from dev.synthesize import SAMPLES_DIR, make_bad_inputs, make_corpus, read_sample
from streams.transcription import (
    EmptyRecordingError,
    MediaError,
    NoAudioTrackError,
    NoSpeechError,
    NotMediaError,
    Progress,
    RecognizedSegment,
    TranscriptionService,
    TranscriptionSettings,
    TruncatedMediaError,
)

pytestmark = pytest.mark.slow
REAL_SPEECH = Path(__file__).resolve().parents[3] / "shared" / "eval" / "speech"
if not REAL_SPEECH.exists():
    REAL_SPEECH = Path("/work/shared/eval/speech")


def normalize(text: str) -> str:
    text = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " "))
    return " ".join(text.split())


def count(text: str, filler: str) -> int:
    return len(re.findall(rf"\b{filler}\b", normalize(text)))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("corpus")
    entries = json.loads(make_corpus(out).read_text())
    for entry in entries:
        entry["path"] = out / entry["file"]
    return entries


@pytest.fixture(scope="session")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_bad_inputs(tmp_path_factory.mktemp("bad_inputs"))


@pytest_asyncio.fixture(scope="session")
async def service() -> AsyncIterator[TranscriptionService]:
    transcriber = TranscriptionService(TranscriptionSettings())
    await transcriber.start()
    yield transcriber
    await transcriber.stop()


async def transcript_of(
    service: TranscriptionService, path: Path
) -> tuple[str, list[RecognizedSegment], list[Progress]]:
    segments: list[RecognizedSegment] = []
    progress: list[Progress] = []
    async for item in service.transcribe(path):
        (segments if isinstance(item, RecognizedSegment) else progress).append(item)  # type: ignore[arg-type]
    return " ".join(s.text for s in segments), segments, progress


async def test_long_recording_streams_pieces_with_absolute_times_and_progress(
    service: TranscriptionService, corpus: list[dict]
) -> None:
    # The shortest answer longer than a piece (30 s) and its cut-point search (8 s).
    answer = min((e for e in corpus if e["duration_s"] > 38.0), key=lambda e: e["duration_s"])
    _, segments, progress = await transcript_of(service, answer["path"])
    assert len(progress) >= 2, "a recording longer than a piece reports progress more than once"
    assert progress[-1].processed_seconds == pytest.approx(answer["duration_s"], abs=0.05)
    assert [p.processed_seconds for p in progress] == sorted(p.processed_seconds for p in progress)
    starts = [w.start for s in segments for w in s.words]
    assert starts == sorted(starts)
    assert starts[-1] > 30.0, "words in later pieces carry the piece's offset"
    assert all(0.0 <= w.confidence <= 1.0 and w.end >= w.start for s in segments for w in s.words)


async def test_repetition_guard_on_a_real_uh_loop(service: TranscriptionService) -> None:
    text, _, _ = await transcript_of(service, REAL_SPEECH / "mfa_uhuh.wav")
    assert 3 <= count(text, "uh") <= 12, text


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("not_media", NotMediaError),
        ("empty", EmptyRecordingError),
        ("truncated", TruncatedMediaError),
        ("truncated_faststart", TruncatedMediaError),
        ("video_only", NoAudioTrackError),
        ("silence", NoSpeechError),
        ("noise", NoSpeechError),
        ("music", NoSpeechError),
    ],
)
async def test_bad_uploads_are_refused_with_a_clear_reason(
    service: TranscriptionService, bad_inputs: dict[str, Path], name: str, error: type[MediaError]
) -> None:
    with pytest.raises(error) as caught:
        await transcript_of(service, bad_inputs[name])
    assert caught.value.code != MediaError.code
    assert caught.value.user_message.endswith(".") and "Please" in caught.value.user_message


@pytest.mark.parametrize("name", ["good_mp4_aac", "good_webm_opus"])
async def test_compressed_uploads_are_transcribed(
    service: TranscriptionService, bad_inputs: dict[str, Path], name: str
) -> None:
    """AAC and Opus lose nothing a user would notice: the answer reads as it was said."""
    _, spoken = read_sample(SAMPLES_DIR / "answer_strength.txt")
    text, _, _ = await transcript_of(service, bad_inputs[name])
    assert jiwer.wer(normalize(spoken), normalize(text)) <= 0.08, text


@pytest.mark.parametrize("name", ["good_m4a", "good_mov", "good_wav_44k_stereo"])
async def test_every_accepted_container_is_probed_to_its_length(
    service: TranscriptionService, bad_inputs: dict[str, Path], name: str
) -> None:
    reference = await service.probe(bad_inputs["good_speech_wav"])
    assert await service.probe(bad_inputs[name]) == pytest.approx(reference, abs=0.1)


async def test_real_recordings_loose_bounds(service: TranscriptionService, record_property) -> None:  # type: ignore[no-untyped-def]
    """Real speech: measured figures are recorded; only gross failures fail the test."""
    manifest = json.loads((REAL_SPEECH / "manifest.json").read_text())
    clean = [e for e in manifest if not e["file"].startswith("ami_")]
    references, hypotheses = [], []
    fillers_said = fillers_heard = 0
    for entry in clean:
        text, _, _ = await transcript_of(service, REAL_SPEECH / entry["file"])
        references.append(normalize(entry["transcript"]))
        hypotheses.append(normalize(text))
        for filler in ("um", "uh"):
            said = entry["fillers_in_reference"].get(filler, 0)
            fillers_said += said
            fillers_heard += min(count(text, filler), said)
    error_rate = jiwer.wer(references, hypotheses)
    recall = fillers_heard / fillers_said
    record_property("real_wer", round(error_rate, 3))
    record_property("real_um_uh_recall", round(recall, 3))
    assert error_rate <= 0.35
    assert recall >= 0.5
