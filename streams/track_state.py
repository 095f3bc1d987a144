"""state: every event of an interview → the ``interview_state`` table → ``interview.state``.

The table's changelog rebuilds it after a crash; the topic feeds the read model.
Dead-lettered messages fail their interview with a reason the user understands.

A tombstone on ``analysis.completed`` (the gateway's, when the user deletes the interview)
replaces the interview's state with :data:`~streams.tombstones.DELETED` and writes a tombstone
to ``interview.state`` after every state this agent wrote of it; events of the interview still
in flight are dropped from then on, so nothing brings its state back.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from analysis import progress
from streams.app import app, channels, codec, send_delivered, topic_spec_of
from streams.dead_letters import process_event
from streams.metrics import INTERVIEWS_FINISHED
from streams.tombstones import DELETED, is_tombstone, send_tombstone, tombstone_key
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

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "track_state"

_FOLDS = {
    INTERVIEW_UPLOADED.name: progress.on_uploaded,
    TRANSCRIPTION_PROGRESS.name: progress.on_transcription_progress,
    TRANSCRIPT_SEGMENTS.name: progress.on_segment,
    ANALYSIS_COMPLETED.name: progress.on_analysis_completed,
    ANSWER_ANALYSIS.name: progress.on_answer_event,
}
_DEAD_LETTER_NAMES = {spec.name for spec in DEAD_LETTER_TOPICS}
#: The states an interview ends in, counted as it reaches one.
FINISHED = ("COMPLETED", "FAILED")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _load(interview_id: str) -> dict[str, Any] | None:
    stored = interview_state.get(interview_id)
    return None if stored is None or stored == DELETED else codec.decode(stored, INTERVIEW_STATE.value_schema)


def is_deleted(interview_id: str) -> bool:
    return interview_state.get(interview_id) == DELETED


async def forget(interview_id: str) -> None:
    """The interview was deleted: its state goes, and stays gone."""
    if is_deleted(interview_id):
        return
    interview_state[interview_id] = DELETED
    await send_tombstone(INTERVIEW_STATE, interview_id)


async def _store(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    if after is None or after is before:
        return
    # The state reaches the broker before the table keeps it: an event read again after a crash
    # between the two folds to the same state and sends nothing.
    await send_delivered(INTERVIEW_STATE, after["interview_id"], after)
    interview_state[after["interview_id"]] = codec.encode(INTERVIEW_STATE.value_schema, after)
    if after["status"] in FINISHED and (before is None or before["status"] != after["status"]):
        INTERVIEWS_FINISHED.labels(after["status"]).inc()


async def apply_event(value: dict[str, Any], event: faust.EventT) -> None:
    if is_deleted(value["interview_id"]):
        return
    fold = _FOLDS[topic_spec_of(event)]
    before = _load(value["interview_id"])
    await _store(before, progress.fold_in_run(fold, before, value, _now_ms()))


async def apply_dead_letter(value: dict[str, Any], event: faust.EventT) -> None:
    key = event.message.key
    if not key:
        return
    interview_id = key.decode(errors="replace")
    if is_deleted(interview_id):
        return
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
    name=AGENT,
)
async def track_state(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        name = topic_spec_of(event)
        if is_tombstone(event):
            interview_id = tombstone_key(event)
            if name == ANALYSIS_COMPLETED.name and interview_id:
                await forget(interview_id)
            continue
        handler = apply_dead_letter if name in _DEAD_LETTER_NAMES else apply_event
        await process_event(event, handler, consumer=AGENT)
