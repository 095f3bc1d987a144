"""`ib ops topics` on the real broker: each topic's partitions, offsets, retention, size on disk
and the lag of every consumer group reading it, as an operator reads them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from typer.testing import CliRunner

from dev.cli import app
from dev.topic_inventory import topic_inventory
from topics.admin import delete_prefixed_topics, ensure_topics
from topics.catalog import INTERVIEW_STATE, TRANSCRIPT_SEGMENTS

pytestmark = pytest.mark.stack

RECORDS = 10
COMMITTED = 4  # the readers' group has committed this far on partition 0


async def _seed(bootstrap: str, prefix: str) -> None:
    await ensure_topics(bootstrap, prefix, (TRANSCRIPT_SEGMENTS, INTERVIEW_STATE))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for number in range(RECORDS):
            await producer.send_and_wait(
                TRANSCRIPT_SEGMENTS.full_name(prefix),
                key=b"k",
                value=b"x" * 500 + bytes([number]),
                partition=0,
            )
    finally:
        await producer.stop()
    readers = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=f"{prefix}readers", enable_auto_commit=False
    )
    await readers.start()
    try:
        partition = TopicPartition(TRANSCRIPT_SEGMENTS.full_name(prefix), 0)
        readers.assign([partition])
        await readers.commit({partition: OffsetAndMetadata(COMMITTED, "")})
    finally:
        await readers.stop()


@pytest.fixture
def seeded(kafka_bootstrap: str, topic_prefix: str) -> Iterator[str]:
    asyncio.run(_seed(kafka_bootstrap, topic_prefix))
    yield topic_prefix
    asyncio.run(delete_prefixed_topics(kafka_bootstrap, topic_prefix))


def test_the_inventory_counts_offsets_bytes_retention_and_each_groups_lag(
    kafka_bootstrap: str, seeded: str
) -> None:
    inventory = {topic.name: topic for topic in asyncio.run(topic_inventory(kafka_bootstrap, seeded))}

    assert set(inventory) == {TRANSCRIPT_SEGMENTS.full_name(seeded), INTERVIEW_STATE.full_name(seeded)}
    segments = inventory[TRANSCRIPT_SEGMENTS.full_name(seeded)]
    assert (segments.partitions, segments.first_offset, segments.end_offset) == (6, 0, RECORDS)
    assert segments.size_bytes >= RECORDS * 500  # the records' bytes, on the broker's disk
    assert segments.retention_ms == TRANSCRIPT_SEGMENTS.retention_ms and segments.cleanup_policy == "delete"
    assert segments.lag_by_group == {f"{seeded}readers": RECORDS - COMMITTED}
    state = inventory[INTERVIEW_STATE.full_name(seeded)]
    assert state.cleanup_policy == "compact" and state.messages == 0 and state.lag_by_group == {}


def test_ib_ops_topics_prints_them(kafka_bootstrap: str, seeded: str) -> None:
    result = CliRunner().invoke(app, ["ops", "topics", "--bootstrap", kafka_bootstrap, "--prefix", seeded])

    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if f"{seeded}transcript.segments " in line]
    days = TRANSCRIPT_SEGMENTS.retention_ms // 86_400_000
    for shown in (f"0..{RECORDS}", f"{days} d", "kB", f"{seeded}readers {RECORDS - COMMITTED}"):
        assert shown in row
    assert "compacted" in next(line for line in result.output.splitlines() if "interview.state " in line)
