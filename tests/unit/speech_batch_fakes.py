"""Stand-ins for what the speech agent's batch step touches: Faust events and the producer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from aiokafka.partitioner import DefaultPartitioner
from faust.types import TP

from streams.app import Record, channel, codec
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS


def event(value: dict[str, Any] | bytes, partition: int, offset: int) -> Any:
    """A transcript.segments event holding ``value`` (encoded), or raw bytes keyed "broken"."""
    data = value if isinstance(value, bytes) else codec.encode(TRANSCRIPT_SEGMENTS.value_schema, value)
    key = b"broken" if isinstance(value, bytes) else value["interview_id"].encode()
    message = SimpleNamespace(
        key=key,
        value=data,
        partition=partition,
        offset=offset,
        topic=channel(TRANSCRIPT_SEGMENTS).get_topic_name(),
        headers=[],
    )
    return SimpleNamespace(message=message)


class Sent:
    """A producer that keeps every record the batches hand it, in order; deliveries succeed at
    once. Keys are partitioned by the real default partitioner, as the worker's producer does."""

    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, bytes, int | None]] = []

    async def send(
        self, topic: str, key: bytes, value: bytes, partition: int | None, timestamp: None, headers: None
    ) -> asyncio.Future[Any]:
        self.records.append((topic, key, value, partition))
        return self._delivered(topic, partition or 0)

    async def send_records(
        self, topic: str, partition: int, records: Sequence[Record]
    ) -> asyncio.Future[Any]:
        self.records.extend((topic, key, value, partition) for key, value, _, _ in records)
        return self._delivered(topic, partition)

    def key_partition(self, topic: str, key: bytes) -> TP:
        return TP(topic, DefaultPartitioner()(key, list(range(PARTITIONS[topic])), []))

    def _delivered(self, topic: str, partition: int) -> asyncio.Future[Any]:
        delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        delivered.set_result(SimpleNamespace(topic=topic, partition=partition, offset=len(self.records)))
        return delivered

    def to(self, topic: str) -> list[tuple[bytes, bytes, int | None]]:
        return [(key, value, partition) for name, key, value, partition in self.records if name == topic]


#: Partition counts of the topics the speech agent writes records to by key.
PARTITIONS = {channel(SEGMENT_METRICS).get_topic_name(): SEGMENT_METRICS.partitions}
