"""Records per second on a topic, from its records' timestamps: how the benches that pit a
pipeline against a bare loop over the same records measure each side."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.stack_addresses import BOOTSTRAP
from dev.polling import wait_until_async

#: A record as produced: key, value, headers.
Record = tuple[bytes, bytes, list[tuple[str, bytes]]]


async def produce_all(topic: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        batch = [
            await producer.send(topic, key=key, value=value, headers=headers)
            for key, value, headers in records
        ]
        await asyncio.gather(*batch)
    finally:
        await producer.stop()


#: The share of each run's first records left out of its rate (start-up, cold caches).
WARM_UP = 0.05


async def wait_for_output(topic: str, partitions: int, expected: int, timeout: float = 600.0) -> None:
    """Until ``topic`` holds ``expected`` records, asking only for its end offsets now and
    then: reading the records while the pipeline runs would take CPU from it (the baseline's
    are read after it has finished too)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)

    async def all_written() -> bool:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values()) >= expected

    await consumer.start()
    try:
        await wait_until_async(all_written, timeout, f"{expected} records on {topic}")
    finally:
        await consumer.stop()


async def output_rate(topic: str, expected: int, timeout: float = 600.0) -> float:
    """Records per second of ``expected`` output records, after the warm-up share."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=BOOTSTRAP, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    timestamps: list[int] = []
    try:
        async with asyncio.timeout(timeout):
            while len(timestamps) < expected:
                batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
                for records in batches.values():
                    timestamps.extend(record.timestamp for record in records)
    finally:
        await consumer.stop()
    timestamps.sort()
    measured = timestamps[int(len(timestamps) * WARM_UP) :]
    span = (measured[-1] - measured[0]) / 1000
    return (len(measured) - 1) / span
