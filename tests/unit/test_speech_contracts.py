"""What the speech logic produces is exactly what the Avro contracts accept."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.speech.metrics import SpeechTotals, add_segment_metrics, measure_segment, speech_section
from analysis.speech.score import score_speech, speech_recommendations
from topics.codec import AvroCodec

SEGMENT_METRICS = "interviewbuddy.events.SegmentMetrics"
ANALYSIS_COMPLETED = "interviewbuddy.events.AnalysisCompleted"

codec = AvroCodec()


def transcript_segment(seq: int, text: str, start: float, final: bool = False) -> dict[str, Any]:
    words = [
        {"word": word, "start": start + 0.4 * index, "end": start + 0.4 * index + 0.3, "confidence": 0.85}
        for index, word in enumerate(text.split())
    ]
    return {
        "interview_id": "interview-1",
        "user_id": "user-1",
        "seq": seq,
        "start": start,
        "end": words[-1]["end"] if words else start,
        "text": text,
        "words": words,
        "confidence": 0.85,
        "speaker": None,
        "language": "en",
        "engine": "test",
        "audio_duration": 30.0,
        "processed_seconds": start + 5.0,
        "elapsed_seconds": 1.0,
        "final": final,
    }


SEGMENTS = [
    transcript_segment(0, "Um, I led the team, you know, and, like, we shipped it.", 0.0),
    transcript_segment(1, "", 8.0),
    transcript_segment(2, "I kind of, uh, rewrote the scheduler. Basically it worked.", 12.0, final=True),
]


@pytest.mark.parametrize("segment", SEGMENTS, ids=["with-fillers", "no-words", "final"])
def test_segment_metrics_encode_and_read_back_unchanged(segment: dict[str, Any]) -> None:
    metrics = {**measure_segment(segment, previous_end=None if segment["seq"] == 0 else 4.0), "run": 3}
    assert codec.decode(codec.encode(SEGMENT_METRICS, metrics), SEGMENT_METRICS) == metrics


def test_speech_section_with_its_scores_is_an_analysis_speech_record() -> None:
    totals = SpeechTotals()
    previous_end = None
    for segment in SEGMENTS:
        metrics = measure_segment(segment, previous_end)
        totals = add_segment_metrics(
            totals, codec.decode(codec.encode(SEGMENT_METRICS, metrics), SEGMENT_METRICS)
        )
        previous_end = segment["words"][-1]["end"] if segment["words"] else previous_end
    section = speech_section(totals, duration_seconds=30.0)
    speech_score, breakdown = score_speech(section)
    speech = {**section, "speech_score": speech_score, "score_breakdown": breakdown}
    analysis = {
        "interview_id": "interview-1",
        "user_id": "user-1",
        "speech": speech,
        "content": None,
        "scores": {"speech": speech_score},
        "overall_score": speech_score,
        "recommendations": speech_recommendations(speech, totals.filler_events, totals.long_pauses),
        "preliminary": False,
        "warnings": [],
        "completed_at": 1_700_000_000_000,
    }
    decoded = codec.decode(codec.encode(ANALYSIS_COMPLETED, analysis), ANALYSIS_COMPLETED)
    assert decoded["speech"] == speech
    assert decoded["recommendations"] == analysis["recommendations"]
    assert speech["filler_total"] == 6
