"""Producing to and reading from a catalog topic on the real broker, through the codec, for the
tests and the benches."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

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


async def wait_for_record(
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


def transactional_producer(bootstrap: str, transactional_id: str, tool: str) -> AIOKafkaProducer:
    """A producer of one transactional id (a second one started fences the first), writing
    with acks=all; ``tool`` names its client (``ib-<tool>-<random>``) in the broker's logs."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        transactional_id=transactional_id,
        enable_idempotence=True,
        acks="all",
        client_id=f"ib-{tool}-{uuid.uuid4().hex[:8]}",
    )
