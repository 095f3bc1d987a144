"""After a rebalance the worker seeks every partition back to its committed offset; one that
has none is read from its start again, so records fetched and dropped meanwhile (Faust drops a
fetch that returns while the flow is stopped for the rebalance) are not lost.

On the real broker, with a consumer of a group that never committed: aiokafka's own
``seek_to_committed`` leaves such a partition past the dropped records (the loss seen on fresh
stacks); the worker's seek reads them again.
"""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from streams.consumer import seek_to_committed_or_reset
from topics.admin import WantedTopic, ensure_named_topics


async def fetch(consumer: AIOKafkaConsumer, count: int, timeout: float = 30.0) -> list[int]:
    """Offsets of the next ``count`` records the consumer fetches (fewer if none come in time)."""
    offsets: list[int] = []
    deadline = time.monotonic() + timeout
    while len(offsets) < count and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=250)
        offsets += [record.offset for records in batches.values() for record in records]
    return offsets


async def test_a_never_committed_partition_is_read_again_from_its_start(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}seek-after-rebalance"
    await ensure_named_topics(kafka_bootstrap, [WantedTopic(topic, 1)])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for number in range(3):
            await producer.send_and_wait(topic, key=b"interview", value=f"segment {number}".encode())
    finally:
        await producer.stop()
    partition = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        group_id=f"{topic_prefix}group",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        assert await fetch(consumer, 3) == [0, 1, 2]  # fetched, then dropped: never processed

        committed = await consumer.seek_to_committed()
        assert committed == {partition: None}
        assert await fetch(consumer, 1, timeout=2.0) == [], "aiokafka's seek leaves the records behind"

        committed = await seek_to_committed_or_reset(consumer, "earliest")
        assert committed == {partition: None}
        assert await fetch(consumer, 3) == [0, 1, 2]

        await consumer.commit({partition: 2})
        assert await seek_to_committed_or_reset(consumer, "earliest") == {partition: 2}
        assert await fetch(consumer, 1) == [2], "a committed partition goes back to its committed offset"
    finally:
        await consumer.stop()
