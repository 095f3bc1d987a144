"""rollup: segment.metrics + answer.analysis → ``analysis.completed``.

Metrics are folded into a per-interview table as they stream in (idempotent per seq, so
a replay does not double-count); answers are kept per interview by turn index. The
analysis is written once both sides are complete: the final segment's metrics have
arrived, and the END record of ``answer.analysis`` has, with as many answers as it counts.
When the interview is linked to a prep session, the analysis compares the two (the session
comes from the global ``prep_sessions`` table).

The agent also reads ``analysis.completed`` for one thing only: the tombstone the gateway writes
when the user deletes the interview. Its parts become :data:`~streams.tombstones.DELETED`, so
metrics and answers still in flight never complete an analysis of it; when an analysis had been
sent already (perhaps just after the gateway's tombstone), a tombstone follows it, so the
compacted topic ends on a tombstone either way.
"""

from __future__ import annotations

import time
from typing import Any

import faust
import orjson

from streams.analysis_document import build_analysis
from streams.app import app, channels, codec_table, send, topic_spec_of
from streams.content.embeddings import shared_embedder
from streams.dead_letters import process_event
from streams.keep_prep_sessions import practised
from streams.speech_metrics import SpeechTotals, add_segment_metrics
from streams.table_codecs import SPEECH_TOTALS
from streams.tombstones import DELETED, is_tombstone, send_tombstone, tombstone_key
from topics.catalog import ANALYSIS_COMPLETED, ANSWER_ANALYSIS, SEGMENT_METRICS

speech_rollup = codec_table(
    "speech_rollup",
    value_codec=SPEECH_TOTALS,
    partitions=SEGMENT_METRICS.partitions,
    help="Speech totals per interview, folded from segment.metrics.",
)
analysis_parts = app.Table(
    "analysis_parts",
    default=None,
    partitions=ANSWER_ANALYSIS.partitions,
    key_type=str,
    value_type=bytes,
    help="Per interview: the final segment's metrics, the answers by turn, the END record (JSON).",
)


def is_deleted(interview_id: str) -> bool:
    return analysis_parts.get(interview_id) == DELETED


async def forget(interview_id: str) -> None:
    """The interview was deleted: drop what was gathered and never complete it."""
    stored = analysis_parts.get(interview_id)
    if stored == DELETED:
        return
    analysis_parts[interview_id] = DELETED
    speech_rollup.pop(interview_id.encode(), None)
    if stored is not None and orjson.loads(stored)["sent"]:
        await send_tombstone(ANALYSIS_COMPLETED, interview_id)


def _parts(interview_id: str) -> dict[str, Any]:
    stored = analysis_parts.get(interview_id)
    if stored is None:
        return {"final_metrics": None, "answers": {}, "end": None, "sent": False}
    parts: dict[str, Any] = orjson.loads(stored)
    return parts


def is_complete(parts: dict[str, Any]) -> bool:
    end = parts["end"]
    return (
        parts["final_metrics"] is not None and end is not None and len(parts["answers"]) >= end["turn_index"]
    )


async def _complete_if_ready(interview_id: str, parts: dict[str, Any], key: bytes) -> None:
    if not parts["sent"] and is_complete(parts):
        answers = [parts["answers"][str(index)] for index in range(parts["end"]["turn_index"])]
        analysis = build_analysis(
            parts["final_metrics"],
            speech_rollup.get(key) or SpeechTotals(),
            completed_at_ms=int(time.time() * 1000),
            answers=answers,
            turns_end=parts["end"],
            prep_session=practised(parts["end"].get("prep_session_id")),
            embedder=shared_embedder(),
        )
        await send(ANALYSIS_COMPLETED, interview_id, analysis)
        parts = {**parts, "sent": True}
    analysis_parts[interview_id] = orjson.dumps(parts)


async def add_metrics(metrics: dict[str, Any], event: faust.EventT) -> None:
    if is_deleted(metrics["interview_id"]):
        return
    key = event.message.key
    speech_rollup[key] = add_segment_metrics(speech_rollup.get(key) or SpeechTotals(), metrics)
    if metrics["final"]:
        interview_id = metrics["interview_id"]
        await _complete_if_ready(interview_id, {**_parts(interview_id), "final_metrics": metrics}, key)


async def add_answer(answer: dict[str, Any], event: faust.EventT) -> None:
    if answer["kind"] == "DELAYED":
        return  # for the interview's state only
    interview_id = answer["interview_id"]
    if is_deleted(interview_id):
        return
    parts = _parts(interview_id)
    if answer["kind"] == "END":
        parts["end"] = answer
    else:
        parts["answers"][str(answer["turn_index"])] = answer
    await _complete_if_ready(interview_id, parts, event.message.key)


_HANDLERS = {SEGMENT_METRICS.name: add_metrics, ANSWER_ANALYSIS.name: add_answer}


async def roll_up(value: dict[str, Any], event: faust.EventT) -> None:
    await _HANDLERS[topic_spec_of(event)](value, event)


@app.agent(channels(SEGMENT_METRICS, ANSWER_ANALYSIS, ANALYSIS_COMPLETED), name="roll_up_analysis")
async def roll_up_analysis(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        if topic_spec_of(event) == ANALYSIS_COMPLETED.name:
            # Only a deletion concerns the rollup here; the analyses are its own.
            interview_id = tombstone_key(event)
            if is_tombstone(event) and interview_id:
                await forget(interview_id)
            continue
        await process_event(event, roll_up, consumer="rollup")
