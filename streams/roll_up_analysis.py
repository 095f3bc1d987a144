"""roll_up_analysis: segment.metrics + answer.analysis → ``analysis.completed``.

Metrics are folded into a per-interview table as they stream in (idempotent per seq, so
a replay does not double-count); answers are kept per interview by turn index
(:mod:`analysis.parts`). The analysis is written once both sides are complete: the metrics
of every segment from 0 to the final one have arrived, and the END record of
``answer.analysis`` has, with as many answers as it counts. When the interview is linked to
a prep session, the analysis compares the two (the session comes from the global ``prep_sessions`` table).

A final segment that comes before some of its predecessors starts a wait for them
(:mod:`analysis.transcript_gaps`), kept in the ``transcript_waits`` table. No event wakes a
wait that runs out, so a timer looks at the waits of the partitions this worker owns: one
past its bound fails the interview with the reason (a ``transcription.progress`` FAILED
record, which the state agent folds like the transcriber's own failures) and is counted
in ``ib_incomplete_transcripts_total``; the interview is never completed with holes.

Each record belongs to an analysis run (:mod:`analysis.runs`): one of a later run than
the parts hold starts the interview afresh (a re-analysis), one of an earlier run is dropped.

The agent also reads ``analysis.completed`` for one thing only: the tombstone the gateway writes
when the user deletes the interview. Its parts become :data:`~streams.tombstones.DELETED`, so
metrics and answers still in flight never complete an analysis of it; when an analysis had been
sent already (perhaps just after the gateway's tombstone), a tombstone follows it, so the
compacted topic ends on a tombstone either way.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import faust
import orjson
from prometheus_client import Counter

from analysis.content.embeddings import shared_embedder
from analysis.document import build_analysis
from analysis.parts import answers_in_order, is_complete, missing, new_parts, with_answer
from analysis.runs import RunOrder, compare_runs, run_of
from analysis.speech.metrics import SpeechTotals, add_segment_metrics
from analysis.transcript_gaps import deadline_ms, incomplete_transcript_event, overdue
from streams.app import app, channel, channels, codec_table, send, send_delivered, settings, topic_spec_of
from streams.dead_letters import process_event
from streams.keep_prep_sessions import practised
from streams.table_codecs import SPEECH_TOTALS
from streams.tombstones import DELETED, is_tombstone, send_tombstone, tombstone_key
from topics.catalog import ANALYSIS_COMPLETED, ANSWER_ANALYSIS, SEGMENT_METRICS, TRANSCRIPTION_PROGRESS

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "roll_up_analysis"

log = logging.getLogger(__name__)

#: How often the waits for missing segments are looked at.
WAIT_CHECK_SECONDS = 1.0

INCOMPLETE_TRANSCRIPTS = Counter(
    "ib_incomplete_transcripts_total",
    "Interviews failed because transcript segments never arrived within their bound.",
)

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

transcript_waits = app.Table(
    "transcript_waits",
    default=None,
    partitions=SEGMENT_METRICS.partitions,
    key_type=str,
    value_type=bytes,
    help="Interviews whose final segment came before others: the wait's deadline and partition (JSON).",
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
    transcript_waits.pop(interview_id, None)
    if stored is not None and orjson.loads(stored)["sent"]:
        await send_tombstone(ANALYSIS_COMPLETED, interview_id)


def _parts(interview_id: str) -> dict[str, Any]:
    stored = analysis_parts.get(interview_id)
    if stored is None:
        return new_parts()
    parts: dict[str, Any] = orjson.loads(stored)
    return parts


def _parts_in_run(interview_id: str, record: dict[str, Any], key: bytes) -> dict[str, Any] | None:
    """The interview's parts for ``record``'s analysis run: None when the record belongs to an
    earlier run (it is dropped); fresh parts, with the speech totals and the wait gone, when it
    starts a later one (the interview is being analysed again)."""
    parts = _parts(interview_id)
    order = compare_runs(parts, record)
    if order is RunOrder.EARLIER:
        return None
    if order is RunOrder.LATER:
        speech_rollup.pop(key, None)
        transcript_waits.pop(interview_id, None)
        parts = new_parts(run_of(record))
        analysis_parts[interview_id] = orjson.dumps(parts)
    return parts


def _wait_for_missing(parts: dict[str, Any], seen_seqs: frozenset[int], event: faust.EventT) -> None:
    """Start the wait for the segments missing (once: a late one does not extend it), or end
    it when there are none left."""
    final = parts["final_metrics"]
    if final is None:
        return
    interview_id = final["interview_id"]
    if not missing(parts, seen_seqs):
        transcript_waits.pop(interview_id, None)
    elif interview_id not in transcript_waits:
        until = deadline_ms(
            int(time.time() * 1000),
            float(final.get("audio_duration") or final["end"]),
            minimum=settings.transcript_wait_min_seconds,
            per_audio_second=settings.transcript_wait_per_audio_second,
        )
        transcript_waits[interview_id] = orjson.dumps(
            {"deadline_ms": until, "partition": event.message.partition}
        )


async def _complete_if_ready(interview_id: str, parts: dict[str, Any], event: faust.EventT) -> None:
    key = event.message.key
    totals = speech_rollup.get(key) or SpeechTotals()
    if not parts["sent"] and not parts.get("failed", False):
        _wait_for_missing(parts, totals.seen_seqs, event)
    if not parts["sent"] and is_complete(parts, totals.seen_seqs):
        analysis = build_analysis(
            parts["final_metrics"],
            totals,
            completed_at_ms=int(time.time() * 1000),
            answers=answers_in_order(parts),
            turns_end=parts["end"],
            prep_session=practised(parts["end"].get("prep_session_id")),
            embedder=shared_embedder(),
        )
        await send_delivered(ANALYSIS_COMPLETED, interview_id, analysis)
        parts = {**parts, "sent": True}
    analysis_parts[interview_id] = orjson.dumps(parts)


async def add_metrics(metrics: dict[str, Any], event: faust.EventT) -> None:
    interview_id = metrics["interview_id"]
    if is_deleted(interview_id):
        return
    key = event.message.key
    parts = _parts_in_run(interview_id, metrics, key)
    if parts is None:
        return
    speech_rollup[key] = add_segment_metrics(speech_rollup.get(key) or SpeechTotals(), metrics)
    if metrics["final"]:
        await _complete_if_ready(interview_id, {**parts, "final_metrics": metrics}, event)
    elif interview_id in transcript_waits:
        await _complete_if_ready(interview_id, parts, event)  # a gap filled


async def add_answer(answer: dict[str, Any], event: faust.EventT) -> None:
    if answer["kind"] == "DELAYED":
        return  # for the interview's state only
    interview_id = answer["interview_id"]
    if is_deleted(interview_id):
        return
    parts = _parts_in_run(interview_id, answer, event.message.key)
    if parts is None:
        return
    await _complete_if_ready(interview_id, with_answer(parts, answer), event)


_HANDLERS = {SEGMENT_METRICS.name: add_metrics, ANSWER_ANALYSIS.name: add_answer}


async def roll_up(value: dict[str, Any], event: faust.EventT) -> None:
    await _HANDLERS[topic_spec_of(event)](value, event)


@app.agent(channels(SEGMENT_METRICS, ANSWER_ANALYSIS, ANALYSIS_COMPLETED), name=AGENT)
async def roll_up_analysis(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        if topic_spec_of(event) == ANALYSIS_COMPLETED.name:
            # Only a deletion concerns the rollup here; the analyses are its own.
            interview_id = tombstone_key(event)
            if is_tombstone(event) and interview_id:
                await forget(interview_id)
            continue
        await process_event(event, roll_up, consumer=AGENT)


def _write_outside_event(table: faust.Table, interview_id: str, value: bytes | None, partition: int) -> None:
    """A table write (None: a delete) from the timer: Faust's own takes the partition of
    the current stream event, and there is none."""
    if value is None:
        table.data.pop(interview_id, None)
    else:
        table.data[interview_id] = value
    table.send_changelog(partition, interview_id, value, value_serializer="raw")


async def fail_incomplete(interview_id: str, partition: int) -> None:
    """The wait for the interview's missing segments is over: fail it, unless they came."""
    parts = None if is_deleted(interview_id) else _parts(interview_id)
    if parts is None or parts["sent"]:
        _write_outside_event(transcript_waits, interview_id, None, partition)
        return
    totals = speech_rollup.get(interview_id.encode()) or SpeechTotals()
    gaps = missing(parts, totals.seen_seqs)
    if not gaps:
        # Every segment came; what it still waits for is the answers' END, which needs no bound here.
        _write_outside_event(transcript_waits, interview_id, None, partition)
        return
    # Marked before the send, so a gap filled meanwhile does not complete it too.
    _write_outside_event(analysis_parts, interview_id, orjson.dumps({**parts, "failed": True}), partition)
    await send(
        TRANSCRIPTION_PROGRESS, interview_id, incomplete_transcript_event(parts["final_metrics"], gaps)
    )
    _write_outside_event(transcript_waits, interview_id, None, partition)
    INCOMPLETE_TRANSCRIPTS.inc()
    log.warning(
        "interview %s failed: segments %s of %d never arrived",
        interview_id,
        gaps,
        int(parts["final_metrics"]["seq"]) + 1,
    )


@app.timer(interval=WAIT_CHECK_SECONDS, name="fail_incomplete_transcripts")
async def fail_incomplete_transcripts() -> None:
    """Fail the interviews whose missing segments did not come in time, on the partitions this
    worker actively owns (a standby copy of the table is another worker's to act on)."""
    if app.rebalancing:
        return  # the tables may be half recovered, the partitions about to move
    metrics_topic = channel(SEGMENT_METRICS).get_topic_name()
    owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == metrics_topic}
    waits = [
        (interview_id, orjson.loads(stored)) for interview_id, stored in list(transcript_waits.data.items())
    ]
    partitions = {interview_id: int(wait["partition"]) for interview_id, wait in waits}
    for interview_id in overdue(waits, int(time.time() * 1000), owned):
        try:
            await fail_incomplete(interview_id, partitions[interview_id])
        except Exception:
            # The wait stays, so the next look tries again; the other interviews go on.
            log.exception("could not fail the incomplete interview %s", interview_id)
