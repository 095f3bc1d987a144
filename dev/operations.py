"""What operators look at: per-topic volume, consumer lag, dead letters.

Every topic comes from the catalog (with an optional prefix), so the view matches what the
worker and the gateway actually use. Lag is the committed offset of the worker's consumer
group against each partition's end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from topics.catalog import ALL_TOPICS, TopicSpec, dead_letter_topic
from topics.codec import AvroCodec


@dataclass(frozen=True)
class TopicReport:
    name: str
    partitions: int
    messages: int
    """Records between each partition's start and end offsets (after retention/compaction)."""
    lag: int | None
    """Records the consumer group has not committed yet; None when it has no offsets here."""


@dataclass(frozen=True)
class DeadLetterView:
    partition: int
    offset: int
    key: str
    source: str
    error_type: str
    error_message: str
    consumer: str
    attempts: int


Offsets = dict[TopicPartition, int]
#: How long reading the newest dead letters may take: they are known to be there.
READ_TIMEOUT_SECONDS = 30.0


async def _offsets(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> tuple[Offsets, Offsets]:
    beginnings = await consumer.beginning_offsets(partitions)
    ends = await consumer.end_offsets(partitions)
    return beginnings, ends


def _position(committed: dict[TopicPartition, Any], tp: TopicPartition, start: int) -> int:
    return int(committed[tp].offset) if tp in committed else start


async def topic_reports(bootstrap: str, prefix: str = "", group: str | None = None) -> list[TopicReport]:
    """One line per catalog topic that exists on the broker, in catalog order."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ib-ops")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        existing = set(await admin.list_topics())
        committed: dict[TopicPartition, Any] = {}
        if group is not None:
            committed = await admin.list_consumer_group_offsets(group)
        reports = []
        for spec in ALL_TOPICS:
            name = spec.full_name(prefix)
            if name not in existing:
                continue
            partitions = [TopicPartition(name, p) for p in range(spec.partitions)]
            beginnings, ends = await _offsets(consumer, partitions)
            messages = sum(ends[tp] - beginnings[tp] for tp in partitions)
            lag = None
            if any(tp in committed for tp in partitions):
                lag = sum(ends[tp] - _position(committed, tp, beginnings[tp]) for tp in partitions)
            reports.append(TopicReport(name, len(partitions), messages, lag))
        return reports
    finally:
        await consumer.stop()
        await admin.close()


async def dead_letters(
    bootstrap: str, spec: TopicSpec, prefix: str = "", limit: int = 20
) -> list[DeadLetterView]:
    """The newest ``limit`` dead letters of ``spec``'s topic, newest last."""
    dlq = dead_letter_topic(spec)
    name = dlq.full_name(prefix)
    codec = AvroCodec()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(name, p) for p in range(dlq.partitions)]
        consumer.assign(partitions)
        beginnings, ends = await _offsets(consumer, partitions)
        for tp in partitions:
            consumer.seek(tp, max(beginnings[tp], ends[tp] - limit))
        letters: list[tuple[int, DeadLetterView]] = []
        remaining = {tp for tp in partitions if ends[tp] > beginnings[tp]}
        deadline = time.monotonic() + READ_TIMEOUT_SECONDS
        while remaining and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    letter = codec.decode(record.value, dlq.value_schema)
                    view = DeadLetterView(
                        partition=record.partition,
                        offset=record.offset,
                        key=(record.key or b"").decode(errors="replace"),
                        source=f"{letter['source_topic']}[{letter['source_partition']}]@{letter['source_offset']}",
                        error_type=letter["error_type"],
                        error_message=letter["error_message"],
                        consumer=letter["consumer"],
                        attempts=letter["attempts"],
                    )
                    letters.append((record.timestamp, view))
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
        return [view for _, view in sorted(letters, key=lambda item: item[0])][-limit:]
    finally:
        await consumer.stop()
