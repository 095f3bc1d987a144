"""measure_speech: transcript.segments → ``segment.metrics``, one per segment, as the transcript grows.

A table keeps each interview's running counts (:mod:`analysis.speech.running_counts`, which
folds a segment into them and measures it). Segments are taken in small batches: one agent
wake-up, then per segment decode → metrics, and per batch the metrics handed to Kafka as one
record batch per partition and each interview's table entry written once (its changelog
record).

The records go straight to the worker's Kafka producer rather than through Faust's
``send_soon`` buffer (a queue, a task, a future message and callbacks per record, and a
conductor that stops taking messages while that buffer drains). At-least-once holds as it
did with the buffer: Faust flushes this producer before it commits any offset.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import nullcontext
from typing import Any, Protocol, cast

import faust
from faust.types import TP

from analysis.speech.running_counts import fold_segment
from streams.app import PartitionedRecords, RecordProducer, app, channel, codec, codec_table, settings
from streams.dead_letters import dead_letter, decode
from streams.metrics import count_batch
from streams.spans import TraceSpans
from streams.table_codecs import SPEECH_ENTRY, dump_speech_entry
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS
from topics.errors import SerializationError
from topics.tracing import exporting, trace_headers_passed_on

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "measure_speech"

log = logging.getLogger(__name__)

#: How long a batch waits to fill: live traffic waits at most this long, a backlog (a
#: replay, a restart) makes bigger batches, so each interview's entry is written once for
#: several of its segments.
BATCH_SECONDS = 0.05

#: interview_id (the topic's key bytes) → {"ends": {seq: last word end}, "counts": SpeechCounts}.
#: Keyed like the topic; a batch from several partitions writes each key's changelog record to
#: the partition its segments came from.
speech_totals = codec_table(
    "speech_totals",
    value_codec=SPEECH_ENTRY,
    partitions=TRANSCRIPT_SEGMENTS.partitions,
    help="Running speech counts and segment end times per interview.",
)


#: How long the segments of one trace share a span (``streams.spans.TraceSpans``).
SPAN_WINDOW_SECONDS = 1.0
trace_spans = TraceSpans(AGENT, SPAN_WINDOW_SECONDS)


class Producer(RecordProducer, Protocol):
    """What the batch step needs of the worker's producer (``streams.app.IdempotentProducer``)."""

    async def send(
        self, topic: str, key: bytes, value: bytes, partition: int | None, timestamp: None, headers: None
    ) -> asyncio.Future[Any]: ...


def _failed(delivery: asyncio.Future[Any]) -> BaseException | None:
    if delivery.cancelled():
        return asyncio.CancelledError()
    return delivery.exception()


def _metrics_sent(delivery: asyncio.Future[Any]) -> None:
    error = _failed(delivery)
    if error is not None:
        log.error("segment metrics not delivered: %r", error)


def _changelog_sent(delivery: asyncio.Future[Any]) -> None:
    """What Faust does after a changelog write: tell the table's store the offset it has."""
    error = _failed(delivery)
    if error is not None:
        log.error("speech totals changelog not delivered: %r", error)
        return
    metadata = delivery.result()
    speech_totals.data.set_persisted_offset(TP(metadata.topic, metadata.partition), metadata.offset)


async def measure_batch(events: list[faust.EventT], producer: Producer | None = None) -> None:
    """Metrics for each segment of the batch, handed over per partition of segment.metrics
    (the partition the producer's partitioner gives the interview); each interview's table
    entry written once. The records go to the worker's producer unless ``producer`` is given."""
    producer = producer or cast(Producer, app.producer)
    metrics_topic = channel(SEGMENT_METRICS).get_topic_name()
    entries: dict[bytes, dict[str, Any]] = {}
    partitions: dict[bytes, int] = {}
    outgoing = PartitionedRecords(producer, metrics_topic)
    # Without an exporter no span is made: the hot path passes the trace on as it came. With one,
    # a span per trace (an interview's transcription) and window, not per segment.
    spans = trace_spans if exporting() else None
    try:
        for event in events:
            with spans.current(event) if spans else nullcontext(None) as trace:
                await _measure_one(event, entries, partitions, outgoing, trace)
    finally:
        if spans is not None:
            spans.end_due()
    for delivery in await outgoing.send():
        delivery.add_done_callback(_metrics_sent)
    changelog_topic = speech_totals.changelog_topic.get_topic_name()
    for key, entry in entries.items():
        # As ``table[key] = entry`` would in a per-event loop, but filed under the partition
        # of this key's own events (Faust would use the batch's last event's partition).
        speech_totals.data[key] = entry
        delivery = await producer.send(
            changelog_topic, key, dump_speech_entry(entry), partitions[key], None, None
        )
        delivery.add_done_callback(_changelog_sent)


async def _measure_one(
    event: faust.EventT,
    entries: dict[bytes, dict[str, Any]],
    partitions: dict[bytes, int],
    outgoing: PartitionedRecords,
    trace: list[tuple[str, bytes]] | None,
) -> None:
    """One segment folded into its interview's entry, its metrics added to ``outgoing`` with the
    ``trace`` headers (None: those it came with); a segment that cannot be measured is dead-lettered."""
    key = event.message.key
    try:
        segment = await decode(event, TRANSCRIPT_SEGMENTS.value_schema)
        entry, metrics = fold_segment(entries[key] if key in entries else speech_totals.get(key), segment)
        if entry is None or metrics is None:
            return  # a segment of an analysis that was run again since
        value = codec.encode(SEGMENT_METRICS.value_schema, metrics)
    except SerializationError as exc:
        await dead_letter(event, exc, attempts=1, consumer=AGENT)
        return
    except Exception as exc:  # a pure function fails the same way every time: no retry
        log.exception("cannot measure a segment")
        await dead_letter(event, exc, attempts=1, consumer=AGENT)
        return
    entries[key] = entry
    partitions[key] = event.message.partition
    headers = trace_headers_passed_on(event.message.headers) if trace is None else trace
    outgoing.add(segment["interview_id"].encode(), value, headers)


@app.timer(interval=SPAN_WINDOW_SECONDS)
async def end_due_spans() -> None:
    """Ends the spans of traces whose segments stopped coming (each batch ends those due too)."""
    trace_spans.end_due()


@app.agent(channel(TRANSCRIPT_SEGMENTS), name=AGENT)
async def measure_speech(stream: faust.StreamT[bytes]) -> None:
    async for events in stream.take_events(settings.speech_batch_size, within=BATCH_SECONDS):
        started = time.monotonic()
        batch = list(events)
        await measure_batch(batch)
        count_batch(AGENT, batch, time.monotonic() - started)
