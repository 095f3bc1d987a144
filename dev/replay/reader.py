"""Reads a topic's records in a range, partition by partition, without a consumer group (the
partitions are assigned, nothing is committed: no live group sees a replay), and decodes each
through the codec, or hands them over a fetched batch at a time undecoded (a Parquet replay
decodes a batch at once); a record that does not decode is kept with its error, never dropped."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from dev.replay.bounds import BadBound, Bound, PartitionRange
from topics.codec import AvroCodec
from topics.errors import SerializationError

#: How long one fetch may wait for records that are known to be there.
FETCH_TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class ReplayedRecord:
    partition: int
    offset: int
    #: CreateTime in milliseconds since the epoch.
    timestamp_ms: int
    key: str | None
    headers: list[tuple[str, bytes]]
    value: dict[str, Any] | None
    #: Why ``value`` is None: the record is not one of the topic's schema (its raw bytes are kept).
    decode_error: str | None
    raw_value: bytes | None

    def raw_value_base64(self) -> str | None:
        return None if self.raw_value is None else base64.b64encode(self.raw_value).decode()


class Replay:
    """One topic's records between two bounds; open with ``async with``."""

    def __init__(self, bootstrap: str, topic: str, value_schema: str, codec: AvroCodec) -> None:
        self.topic = topic
        self.value_schema = value_schema
        self.codec = codec
        self._bootstrap = bootstrap
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Records of aborted transactions (a redrive that failed) are not replayed.
            isolation_level="read_committed",
            client_id="ib-replay",
        )

    async def __aenter__(self) -> Replay:
        await self._consumer.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()

    async def partitions(self) -> list[int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id="ib-replay")
        await admin.start()
        try:
            [described] = await admin.describe_topics([self.topic])
        finally:
            await admin.close()
        partitions = [int(partition["partition"]) for partition in described.get("partitions", [])]
        if described.get("error_code") or not partitions:
            raise BadBound(f"the topic {self.topic} is not on the broker")
        return sorted(partitions)

    async def ranges(self, start: Bound, stop: Bound, only: list[int] | None = None) -> list[PartitionRange]:
        """Each partition's offsets to read, the end fixed at what the partition holds now."""
        existing = await self.partitions()
        missing = sorted(set(only or []) - set(existing))
        if missing:
            raise BadBound(f"{self.topic} has no partition {missing[0]} (it has 0 to {existing[-1]})")
        chosen = [TopicPartition(self.topic, p) for p in (only or existing)]
        beginnings = await self._consumer.beginning_offsets(chosen)
        ends = await self._consumer.end_offsets(chosen)
        firsts = await self._resolve(start, chosen, beginnings, ends)
        lasts = await self._resolve(stop, chosen, beginnings, ends, inclusive=True)
        return [
            PartitionRange(tp.partition, firsts[tp], max(firsts[tp], min(lasts[tp], ends[tp])))
            for tp in chosen
        ]

    async def _resolve(
        self,
        bound: Bound,
        partitions: list[TopicPartition],
        beginnings: dict[TopicPartition, int],
        ends: dict[TopicPartition, int],
        inclusive: bool = False,
    ) -> dict[TopicPartition, int]:
        if bound.kind == "earliest":
            return dict(beginnings)
        if bound.kind == "latest":
            return dict(ends)
        if bound.kind == "offset":
            # --to N reads offset N too; --from N starts there (or where retention left the log).
            offset = bound.offset + 1 if inclusive else bound.offset
            return {tp: min(max(offset, beginnings[tp]), ends[tp]) for tp in partitions}
        # A moment: the first record at or after it; --to stops before the first one after it.
        moment = bound.timestamp_ms + 1 if inclusive else bound.timestamp_ms
        found = await self._consumer.offsets_for_times({tp: moment for tp in partitions})
        return {tp: ends[tp] if found[tp] is None else found[tp].offset for tp in partitions}

    async def records(
        self, ranges: list[PartitionRange], keys: frozenset[bytes] | None = None
    ) -> AsyncIterator[ReplayedRecord]:
        """The records of ``ranges``, partition by partition, in offset order; only those whose
        key is one of ``keys`` when it is given (the others are not decoded)."""
        async for fetched in self.fetched(ranges, keys):
            for record in fetched:
                yield replayed(record, self.codec, self.value_schema)

    async def fetched(
        self, ranges: list[PartitionRange], keys: frozenset[bytes] | None = None
    ) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
        """The records of ``ranges`` as they come off the broker, a fetched batch at a time, not
        decoded (a Parquet replay decodes a whole batch at once)."""
        for part in ranges:
            if part.size == 0:
                continue
            tp = TopicPartition(self.topic, part.partition)
            self._consumer.assign([tp])
            self._consumer.seek(tp, part.start)
            position = part.start
            while position < part.stop:
                batches = await self._consumer.getmany(tp, timeout_ms=FETCH_TIMEOUT_MS)
                if not batches.get(tp):
                    # Compaction, retention or transaction markers leave offsets with no record:
                    # the consumer's position moves past them, or nothing more is there.
                    moved = await self._consumer.position(tp)
                    if moved == position:
                        break
                    position = moved
                    continue
                fetched = batches[tp]
                if fetched[-1].offset >= part.stop:
                    fetched = [record for record in fetched if record.offset < part.stop]
                if keys is not None:
                    fetched = [record for record in fetched if record.key in keys]
                if fetched:
                    yield fetched
                position = batches[tp][-1].offset + 1


def replayed(record: ConsumerRecord[bytes, bytes], codec: AvroCodec, value_schema: str) -> ReplayedRecord:
    """One record as fetched, its value decoded by ``codec`` (or its error and bytes kept)."""
    value: dict[str, Any] | None = None
    error: str | None = None
    if record.value is not None:
        try:
            value = codec.decode(record.value, value_schema)
        except SerializationError as exc:
            error = str(exc)
    return ReplayedRecord(
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp,
        key=key_text(record.key),
        headers=[(name, bytes(data or b"")) for name, data in record.headers or ()],
        value=value,
        decode_error=error,
        raw_value=record.value if error is not None else None,
    )


def key_text(key: bytes | None) -> str | None:
    return None if key is None else key.decode(errors="replace")
