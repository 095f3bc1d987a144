"""state: every event of an interview → the ``interview_state`` table → ``interview.state``.

The table's changelog rebuilds it after a crash; the topic feeds the read model.
Dead-lettered messages fail their interview with a reason the user understands.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from streams import interview_progress as progress
from streams.app import app, channels, codec, send, topic_spec_of
from streams.dead_letters import process_event
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    DEAD_LETTER_TOPICS,
    INTERVIEW_STATE,
    INTERVIEW_UPLOADED,
    TRANSCRIPT_SEGMENTS,
    TRANSCRIPTION_PROGRESS,
)

interview_state = app.Table(
    "interview_state",
    default=None,
    partitions=INTERVIEW_STATE.partitions,
    key_type=str,
    value_type=bytes,
    help="Latest InterviewState per interview_id (Avro).",
)

_FOLDS = {
    INTERVIEW_UPLOADED.name: progress.on_uploaded,
    TRANSCRIPTION_PROGRESS.name: progress.on_transcription_progress,
    TRANSCRIPT_SEGMENTS.name: progress.on_segment,
    ANALYSIS_COMPLETED.name: progress.on_analysis_completed,
    ANSWER_ANALYSIS.name: progress.on_answer_event,
}
_DEAD_LETTER_NAMES = {spec.name for spec in DEAD_LETTER_TOPICS}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _load(interview_id: str) -> dict[str, Any] | None:
    stored = interview_state.get(interview_id)
    return None if stored is None else codec.decode(stored, INTERVIEW_STATE.value_schema)


async def _store(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    if after is None or after is before:
        return
    interview_state[after["interview_id"]] = codec.encode(INTERVIEW_STATE.value_schema, after)
    await send(INTERVIEW_STATE, after["interview_id"], after)


async def apply_event(value: dict[str, Any], event: faust.EventT) -> None:
    fold = _FOLDS[topic_spec_of(event)]
    before = _load(value["interview_id"])
    await _store(before, fold(before, value, _now_ms()))


async def apply_dead_letter(value: dict[str, Any], event: faust.EventT) -> None:
    key = event.message.key
    if not key:
        return
    interview_id = key.decode(errors="replace")
    before = _load(interview_id)
    await _store(before, progress.on_dead_letter(before, interview_id, value["error_type"], _now_ms()))


@app.agent(
    channels(
        INTERVIEW_UPLOADED,
        TRANSCRIPTION_PROGRESS,
        TRANSCRIPT_SEGMENTS,
        ANSWER_ANALYSIS,
        ANALYSIS_COMPLETED,
        *DEAD_LETTER_TOPICS,
    ),
    name="track_state",
)
async def track_state(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        name = topic_spec_of(event)
        handler = apply_dead_letter if name in _DEAD_LETTER_NAMES else apply_event
        await process_event(event, handler, consumer="state")
