"""Producing to and reading from the real broker in tests, through the catalog and codec."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Array, Int16, Int32, Schema, String

from topics.catalog import TopicSpec
from topics.codec import AvroCodec

codec = AvroCodec()


@dataclass
class Received:
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]
    partition: int
    offset: int
    timestamp: int
    """CreateTime in milliseconds."""

    def decoded(self, spec: TopicSpec) -> dict[str, Any]:
        return codec.decode(self.value, spec.value_schema)


async def produce(
    bootstrap: str, spec: TopicSpec, prefix: str, key: str, value: dict[str, Any] | bytes
) -> None:
    payload = value if isinstance(value, bytes) else codec.encode(spec.value_schema, value)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(spec.full_name(prefix), key=key.encode(), value=payload)
    finally:
        await producer.stop()


async def wait_for(
    bootstrap: str,
    spec: TopicSpec,
    prefix: str,
    predicate: Callable[[Received], bool],
    timeout: float = 60.0,
) -> Received:
    """The first record of the topic (read from the beginning) that satisfies ``predicate``."""
    found = await collect_until(
        bootstrap, spec, prefix, lambda seen: any(predicate(r) for r in seen), timeout
    )
    return next(record for record in found if predicate(record))


async def collect_until(
    bootstrap: str,
    spec: TopicSpec,
    prefix: str,
    done: Callable[[list[Received]], bool],
    timeout: float = 60.0,
) -> list[Received]:
    """Every record of the topic from the beginning, until ``done(records)`` holds."""
    consumer = AIOKafkaConsumer(
        spec.full_name(prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    seen: list[Received] = []
    deadline = time.monotonic() + timeout
    try:
        while not done(seen):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                topic = spec.full_name(prefix)
                raise AssertionError(f"nothing matched on {topic} within {timeout}s; saw {len(seen)} records")
            batches = await consumer.getmany(timeout_ms=int(min(remaining, 1.0) * 1000))
            for records in batches.values():
                for record in records:
                    seen.append(
                        Received(
                            key=record.key,
                            value=record.value,
                            headers={name: value for name, value in (record.headers or ())},
                            partition=record.partition,
                            offset=record.offset,
                            timestamp=record.timestamp,
                        )
                    )
        return seen
    finally:
        await consumer.stop()


class OffsetDeleteResponse_v0(Response):
    API_KEY = 47
    API_VERSION = 0
    SCHEMA = Schema(
        ("error_code", Int16),
        ("throttle_time_ms", Int32),
        (
            "topics",
            Array(
                ("name", String("utf-8")), ("partitions", Array(("partition", Int32), ("error_code", Int16)))
            ),
        ),
    )


class OffsetDeleteRequest_v0(RequestStruct):
    API_KEY = 47
    API_VERSION = 0
    RESPONSE_TYPE = OffsetDeleteResponse_v0
    SCHEMA = Schema(
        ("group_id", String("utf-8")),
        ("topics", Array(("name", String("utf-8")), ("partitions", Array(Int32)))),
    )


class OffsetDeleteRequest(Request[OffsetDeleteRequest_v0]):
    """KIP-496's OffsetDelete, what ``kafka-consumer-groups --delete-offsets`` sends (aiokafka's
    admin client has no call for it)."""

    API_KEY = 47

    def __init__(self, group_id: str, topics: list[tuple[str, list[int]]]) -> None:
        self._group_id = group_id
        self._topics = topics

    def build(self, request_struct_class: type[OffsetDeleteRequest_v0]) -> OffsetDeleteRequest_v0:
        return request_struct_class(self._group_id, self._topics)


async def delete_group_offsets(bootstrap: str, group_id: str, topics: dict[str, int]) -> None:
    """Delete the committed offsets of an empty consumer group on ``topics`` (name → partition count)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        coordinator = await admin.find_coordinator(group_id)
        request = OffsetDeleteRequest(
            group_id, [(name, list(range(count))) for name, count in topics.items()]
        )
        response = await admin._send_request(request, coordinator)
        errors = [
            (name, partition, code)
            for name, partitions in response.topics
            for partition, code in partitions
            if code
        ]
        assert response.error_code == 0 and not errors, (response.error_code, errors)
    finally:
        await admin.close()


async def committed_offsets(bootstrap: str, group_id: str) -> dict[tuple[str, int], int]:
    """The group's committed offsets: (topic, partition) → offset."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()


async def group_members(bootstrap: str, group_id: str) -> tuple[str, int]:
    """The group's state (``Stable``, ``PreparingRebalance``, ...) and how many members it has."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([group_id])
        (group,) = response.groups
        # (error_code, group_id, state, protocol_type, protocol, members[, authorized_operations])
        return str(group[2]), len(group[5])
    finally:
        await admin.close()
