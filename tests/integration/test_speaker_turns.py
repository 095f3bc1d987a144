"""Who spoke, through the real worker: transcript segments labelled by speaker go through the
turns, answers and rollup agents on the broker. Sure labels give turns with who asked and who
answered; unsure labels (the offline speaker split's low confidence) give the analysis the
warning "several speakers, low confidence in who is who"."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from analysis.content_section import SPEAKERS_GUESSED, SPEAKERS_UNCERTAIN
from dev.service_processes import ServiceProcess
from dev.topic_records import Received, produce, wait_for_record
from tests.integration.transcript_segments import scripted_segments
from topics.catalog import ANALYSIS_COMPLETED, TRANSCRIPT_SEGMENTS

pytestmark = pytest.mark.stack

USER = "speaker-turns-user"
#: (speaker, text): two questions by one voice, each answered by the other.
LINES = [
    ("S1", "Tell me about a time you fixed a slow service in production?"),
    ("S2", "Last year our checkout service got slow every evening. I added an index and a cache."),
    ("S1", "How would you make sure the same problem does not come back?"),
    ("S2", "I would add an alert on latency and run a load test before every release."),
]


def segments(interview_id: str, speaker_confidence: float) -> list[dict[str, Any]]:
    """The script's segments, each labelled with its speaker; a pause between speakers."""
    script = scripted_segments(
        interview_id,
        USER,
        [text for _, text in LINES],
        confidence=0.95,
        word_seconds=0.4,
        pause_seconds=1.2,
        word_length=0.35,
    )
    return [
        {**segment, "speaker": speaker, "speaker_confidence": speaker_confidence}
        for segment, (speaker, _) in zip(script, LINES, strict=True)
    ]


async def analysed(worker: ServiceProcess, speaker_confidence: float) -> dict[str, Any]:
    interview_id = f"speakers-{uuid.uuid4().hex[:8]}"
    for segment in segments(interview_id, speaker_confidence):
        await produce(worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix, interview_id, segment)

    def mine(record: Received) -> bool:
        return record.key == interview_id.encode()

    record = await wait_for_record(
        worker.kafka_bootstrap, ANALYSIS_COMPLETED, worker.topic_prefix, mine, timeout=120.0
    )
    analysis = record.decoded(ANALYSIS_COMPLETED)
    return {**analysis, "content": json.loads(analysis["content"] or "null")}


async def test_sure_speaker_labels_give_turns_with_who_asked_and_who_answered(
    worker: ServiceProcess,
) -> None:
    analysis = await analysed(worker, speaker_confidence=0.9)

    content = analysis["content"]
    assert content["speakers_known"] is True
    assert [turn["question"] for turn in content["turns"]] == [LINES[0][1], LINES[2][1]]
    assert [(turn["asker"], turn["answerer"]) for turn in content["turns"]] == [("S1", "S2")] * 2
    assert SPEAKERS_UNCERTAIN not in analysis["warnings"]
    assert SPEAKERS_GUESSED not in analysis["warnings"]


async def test_unsure_speaker_labels_warn_that_who_is_who_is_unknown(worker: ServiceProcess) -> None:
    analysis = await analysed(worker, speaker_confidence=0.55)

    content = analysis["content"]
    assert content["speakers_known"] is False
    assert SPEAKERS_UNCERTAIN in analysis["warnings"]
    # The questions are still found, by their form and the pauses.
    assert [turn["question"] for turn in content["turns"]] == [LINES[0][1], LINES[2][1]]
    assert all(turn["asker"] is None for turn in content["turns"])
