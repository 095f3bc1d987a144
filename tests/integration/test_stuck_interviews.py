"""The stuck-interview sweeper on the real gateway, PostgreSQL and Kafka: an interview that has
not moved before its transcription was done gets its ``interview.uploaded`` again, once a bound."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from dev.synthesize import wav_bytes
from dev.topic_records import Received, collect_until
from gateway.db.stuck_interviews import StuckInterviewQueries
from gateway.events import EventPublisher, make_producer
from gateway.stuck import reemit_stuck
from gateway.tracing import parse_traceparent
from sinks.blobs.local import LocalBlobStore
from tests.integration.gateway_helpers import RunningGateway, gateway_settings, running_gateway, state_event
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

#: Past the bound of a recording under a minute (5 minutes).
LONG_AGO = timedelta(hours=1)
COUNTER = "ib_stuck_interviews_reemitted_total"


async def sweeping_gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str, sweep_seconds: float
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(
        tmp_path / "run", kafka_bootstrap, database_url, topic_prefix, stuck_sweep_seconds=sweep_seconds
    )
    async with running_gateway(settings) as running:
        yield running


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    """A gateway whose own sweeper stays out of the way: the tests sweep themselves."""
    async for running in sweeping_gateway(tmp_path, kafka_bootstrap, database_url, topic_prefix, 3600):
        yield running


@pytest.fixture
async def publisher(gateway: RunningGateway) -> AsyncIterator[EventPublisher]:
    producer = make_producer(gateway.settings.kafka_bootstrap)
    await producer.start()
    try:
        yield EventPublisher(producer, gateway.settings.topic_prefix)
    finally:
        await producer.stop()


async def uploaded_interview(gateway: RunningGateway, user: str, seconds: float) -> str:
    """A new interview with a recording of its own (``seconds`` long, so no two are duplicates)."""
    headers = gateway.auth(user)
    response = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=headers)
    assert response.status_code == 201, response.text
    interview_id = str(response.json()["interview_id"])
    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=wav_bytes(seconds),
        headers={**headers, "Content-Type": "audio/wav", "X-Filename": "answer.wav"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["recording"]["duplicate_of"] is None
    return interview_id


async def set_state(
    gateway: RunningGateway, interview_id: str, user: str, status: str, age: timedelta
) -> None:
    """The state as the worker's sink writes it, last changed ``age`` ago."""
    state = state_event(interview_id, user, status, version=7, percent=10.0)
    await gateway.read_model.upsert_state({**state, "updated_at": datetime.now(UTC) - age})


async def every_record(gateway: RunningGateway) -> list[Received]:
    """Every record on the gateway's ``interview.uploaded`` up to the end offsets of now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=gateway.settings.kafka_bootstrap, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        topic = INTERVIEW_UPLOADED.full_name(gateway.settings.topic_prefix)
        partitions = [TopicPartition(topic, p) for p in range(INTERVIEW_UPLOADED.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        seen: list[Received] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in partitions])

        while await behind():
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                seen += [
                    Received(r.key, r.value, dict(r.headers or ()), r.partition, r.offset, r.timestamp)
                    for r in records
                ]
        return seen
    finally:
        await consumer.stop()


def records_of(records: list[Received], interview_id: str) -> list[Received]:
    return [record for record in records if record.key == interview_id.encode()]


async def counted(gateway: RunningGateway, stage: str) -> float:
    """The counter's value as ``/metrics`` serves it."""
    text = (await gateway.client.get("/metrics")).text
    sample = f'{COUNTER}{{stage="{stage}"}} '
    lines = [line for line in text.splitlines() if line.startswith(sample)]
    return float(lines[0].removeprefix(sample)) if lines else 0.0


async def sweep(gateway: RunningGateway, publisher: EventPublisher, max_reemits: int = 3) -> list[str]:
    """One round of the sweeper as the gateway runs it; it keeps nothing in memory, so every
    round is also what a restarted gateway's first one does."""
    return await reemit_stuck(
        StuckInterviewQueries(gateway.read_model),
        publisher,
        LocalBlobStore(gateway.settings.blob_root),
        gateway.settings.stuck_bound,
        max_reemits,
    )


async def test_a_stuck_interview_is_reemitted_once_and_counted(
    gateway: RunningGateway, publisher: EventPublisher, user: str
) -> None:
    names = ("uploaded", "transcribing", "recent", "completed", "failed", "deleted")
    ids = {name: await uploaded_interview(gateway, user, 0.5 + n / 10) for n, name in enumerate(names)}
    originals = await collect_until(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        gateway.settings.topic_prefix,
        lambda seen: {record.key for record in seen} >= {i.encode() for i in ids.values()},
        timeout=30,
    )
    await set_state(gateway, ids["uploaded"], user, "UPLOADED", LONG_AGO)
    await set_state(gateway, ids["transcribing"], user, "TRANSCRIBING", LONG_AGO)
    await set_state(gateway, ids["recent"], user, "TRANSCRIBING", timedelta(seconds=10))
    await set_state(gateway, ids["completed"], user, "COMPLETED", LONG_AGO)
    await set_state(gateway, ids["failed"], user, "FAILED", LONG_AGO)
    await set_state(gateway, ids["deleted"], user, "UPLOADED", LONG_AGO)
    deleted = await gateway.client.delete(f"/interviews/{ids['deleted']}", headers=gateway.auth(user))
    assert deleted.status_code == 204, deleted.text
    before = {stage: await counted(gateway, stage) for stage in ("uploaded", "transcribing")}

    assert sorted(await sweep(gateway, publisher)) == sorted([ids["uploaded"], ids["transcribing"]])
    assert await sweep(gateway, publisher) == []  # soon after: nothing, however many rounds

    records = await every_record(gateway)
    for name, interview_id in ids.items():
        expected = 2 if name in ("uploaded", "transcribing") else 1
        assert len(records_of(records, interview_id)) == expected, name
    for name in ("uploaded", "transcribing"):
        (original,) = records_of(originals, ids[name])
        first, again = records_of(records, ids[name])
        assert first.offset == original.offset
        assert again.decoded(INTERVIEW_UPLOADED) == original.decoded(INTERVIEW_UPLOADED)
        # The gateway's trace headers, in a trace of the sweep's own.
        assert again.headers["x-request-id"].startswith(b"stuck-sweep-")
        trace = parse_traceparent(again.headers["traceparent"].decode())
        assert trace is not None
        assert trace != parse_traceparent(original.headers["traceparent"].decode())
        row = await gateway.read_model.get_interview(ids[name], user)
        assert row is not None and row["reemit_count"] == 1 and row["reemitted_at"] is not None
    assert {stage: await counted(gateway, stage) - before[stage] for stage in before} == {
        "uploaded": 1.0,
        "transcribing": 1.0,
    }


async def test_it_reemits_once_a_bound_and_gives_up_after_the_most(
    gateway: RunningGateway, publisher: EventPublisher, user: str
) -> None:
    interview_id = await uploaded_interview(gateway, user, 0.5)
    await set_state(gateway, interview_id, user, "UPLOADED", LONG_AGO)

    async def bound_passes() -> None:
        async with gateway.read_model.connection() as conn:
            await conn.execute(
                "UPDATE interviews SET reemitted_at = reemitted_at - interval '1 hour'"
                " WHERE interview_id = %s",
                (interview_id,),
            )

    assert await sweep(gateway, publisher, max_reemits=2) == [interview_id]
    assert await sweep(gateway, publisher, max_reemits=2) == []
    await bound_passes()
    assert await sweep(gateway, publisher, max_reemits=2) == [interview_id]
    await bound_passes()
    assert await sweep(gateway, publisher, max_reemits=2) == []  # left to the operators
    assert await sweep(gateway, publisher, max_reemits=0) == []
    assert len(records_of(await every_record(gateway), interview_id)) == 3


@pytest.fixture
async def self_sweeping_gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    async for running in sweeping_gateway(tmp_path, kafka_bootstrap, database_url, topic_prefix, 0.2):
        yield running


async def test_the_gateway_sweeps_by_itself(self_sweeping_gateway: RunningGateway, user: str) -> None:
    gateway = self_sweeping_gateway
    interview_id = await uploaded_interview(gateway, user, 0.5)
    await set_state(gateway, interview_id, user, "UPLOADED", LONG_AGO)

    def reemitted(seen: list[Any]) -> bool:
        return len(records_of(seen, interview_id)) >= 2

    settings = gateway.settings
    await collect_until(settings.kafka_bootstrap, INTERVIEW_UPLOADED, settings.topic_prefix, reemitted, 30)
    await asyncio.sleep(2.0)  # ten more rounds
    assert len(records_of(await every_record(gateway), interview_id)) == 2
