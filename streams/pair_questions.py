"""turns: transcript.segments (+ interview.metadata) → ``interview.turns``.

Each segment is folded into the interview's open turn (:mod:`analysis.turns`); a
turn is emitted as soon as the next question closes it, and the final segment closes the
last one and is followed by an END record carrying the number of turns. Segments are folded
in ``seq`` order: one that comes before its predecessors waits for them, so no END is sent
for a transcript with holes. The job
description and the linked prep session come from the interview's metadata (a compacted
topic written before the upload), kept in a table: each turn carries the job description,
the END record the prep session. A tombstone on ``interview.metadata`` (the user deleted the
interview) drops its open turn and marks its context :data:`~streams.tombstones.DELETED`:
segments of it still in flight are not paired.
"""

from __future__ import annotations

from typing import Any

import faust
import orjson

from analysis.runs import run_of
from analysis.turns import fold_segment
from streams.app import app, channels, send_delivered, topic_spec_of
from streams.dead_letters import process_event
from streams.tombstones import DELETED, is_tombstone, tombstone_key
from topics.catalog import INTERVIEW_METADATA, INTERVIEW_TURNS, TRANSCRIPT_SEGMENTS

open_turns = app.Table(
    "open_turns",
    default=None,
    partitions=TRANSCRIPT_SEGMENTS.partitions,
    key_type=str,
    value_type=bytes,
    help="Per interview: the segments of the turn still open and how many turns were emitted (JSON).",
)
interview_context = app.Table(
    "interview_context",
    default=None,
    partitions=INTERVIEW_METADATA.partitions,
    key_type=str,
    value_type=bytes,
    help="Per interview: the job description and the linked prep session, from interview.metadata (JSON).",
)


#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "pair_questions"


def _turn_record(
    segment: dict[str, Any], fields: dict[str, Any], job_description: str | None
) -> dict[str, Any]:

    return {
        "interview_id": segment["interview_id"],
        "user_id": segment["user_id"],
        "kind": "TURN",
        **fields,
        "job_description": job_description,
        "run": run_of(segment),
    }


async def pair(segment: dict[str, Any], _event: faust.EventT) -> None:
    interview_id = segment["interview_id"]
    context_bytes = interview_context.get(interview_id)
    if context_bytes == DELETED:
        return
    stored = open_turns.get(interview_id)
    folded = fold_segment(orjson.loads(stored) if stored else None, segment)
    context = orjson.loads(context_bytes) if context_bytes else {}
    job_description = context.get("job_description")
    # The turns reach the broker before the state that says they were sent (send_delivered).
    for fields in folded.turns:
        await send_delivered(INTERVIEW_TURNS, interview_id, _turn_record(segment, fields, job_description))
    if folded.turn_count is not None:
        end = {
            "interview_id": interview_id,
            "user_id": segment["user_id"],
            "kind": "END",
            "turn_index": folded.turn_count,
            "speakers_known": folded.speakers_known,
            "speakers_uncertain": folded.speakers_uncertain,
            "prep_session_id": context.get("prep_session_id"),
            "run": run_of(segment),
        }
        await send_delivered(INTERVIEW_TURNS, interview_id, end)
    open_turns[interview_id] = orjson.dumps(folded.state)


def forget(interview_id: str) -> None:
    """The interview was deleted: its open turn goes, and later segments of it are dropped."""
    interview_context[interview_id] = DELETED
    open_turns.pop(interview_id, None)


async def remember_context(metadata: dict[str, Any], _event: faust.EventT) -> None:
    if interview_context.get(metadata["interview_id"]) == DELETED:
        return
    context = {
        "job_description": metadata.get("job_description") or None,
        "prep_session_id": metadata.get("prep_session_id"),
    }
    interview_context[metadata["interview_id"]] = orjson.dumps(context)


_HANDLERS = {TRANSCRIPT_SEGMENTS.name: pair, INTERVIEW_METADATA.name: remember_context}


async def _handle(value: dict[str, Any], event: faust.EventT) -> None:
    await _HANDLERS[topic_spec_of(event)](value, event)


@app.agent(channels(TRANSCRIPT_SEGMENTS, INTERVIEW_METADATA), name=AGENT)
async def pair_questions(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        if is_tombstone(event):
            interview_id = tombstone_key(event)
            if topic_spec_of(event) == INTERVIEW_METADATA.name and interview_id:
                forget(interview_id)
            continue
        await process_event(event, _handle, consumer=AGENT)
