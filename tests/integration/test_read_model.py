"""The read model against the real PostgreSQL: idempotent upserts, scoping, migrations."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest

from sinks.migrate import apply_migrations, migration_files
from sinks.read_model import ReadModel
from tests.integration.gateway_helpers import (
    analysis_event,
    metadata_event,
    metrics_event,
    segment_event,
    state_event,
)

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
def ids() -> tuple[str, str]:
    return f"interview-{uuid.uuid4()}", f"user-{uuid.uuid4()}"


async def test_concurrent_migrations_take_turns_and_apply_once(database_url: str) -> None:
    # The gateway and several workers start together and all migrate.
    results = await asyncio.gather(*(apply_migrations(database_url) for _ in range(4)))
    applied_by_someone = [name for applied in results for name in applied]
    assert len(applied_by_someone) == len(set(applied_by_someone))
    with psycopg.connect(database_url) as conn:
        recorded = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert recorded == [path.stem for path in migration_files()]


async def test_replaying_segments_rewrites_rows_instead_of_adding(
    read_model: ReadModel, ids: tuple[str, str]
) -> None:
    interview_id, user_id = ids
    batch = [segment_event(interview_id, user_id, seq, f"answer number {seq} um") for seq in range(3)]
    await read_model.upsert_segments(batch)
    first = await read_model.list_segments(interview_id, user_id)
    await read_model.upsert_segments(batch)  # a replay or restart delivers the same batch again
    assert await read_model.list_segments(interview_id, user_id) == first
    assert [row["seq"] for row in first] == [0, 1, 2]
    assert first[1]["words"][0] == {"word": "answer", "start": 2.0, "end": 2.25, "confidence": 0.9}

    # The same key twice in one batch: the last one wins.
    await read_model.upsert_segments(
        [
            segment_event(interview_id, user_id, 2, "first"),
            segment_event(interview_id, user_id, 2, "corrected", final=True),
        ]
    )
    rows = await read_model.list_segments(interview_id, user_id)
    assert len(rows) == 3
    assert (rows[2]["text"], rows[2]["final"]) == ("corrected", True)


async def test_search_finds_segments_with_all_the_words(read_model: ReadModel, ids: tuple[str, str]) -> None:
    interview_id, user_id = ids
    await read_model.upsert_segments(
        [
            segment_event(interview_id, user_id, 0, "I led the migration project"),
            segment_event(interview_id, user_id, 1, "um the project was late"),
            segment_event(interview_id, user_id, 2, "Um, I like like Python"),
        ]
    )
    assert [r["seq"] for r in await read_model.list_segments(interview_id, user_id, "project")] == [0, 1]
    assert [r["seq"] for r in await read_model.list_segments(interview_id, user_id, "UM project")] == [1]
    assert [r["seq"] for r in await read_model.list_segments(interview_id, user_id, "um")] == [1, 2]
    assert await read_model.list_segments(interview_id, user_id, "kubernetes") == []


async def test_replaying_metrics_is_idempotent(read_model: ReadModel, ids: tuple[str, str]) -> None:
    interview_id, user_id = ids
    batch = [metrics_event(interview_id, user_id, seq, fillers=seq) for seq in range(4)]
    await read_model.upsert_metrics(batch)
    await read_model.upsert_metrics(batch)
    rows = await read_model.list_metrics(interview_id, user_id)
    assert [(row["seq"], row["filler_words"], row["filler_total"]) for row in rows] == [
        (seq, {"um": seq}, seq) for seq in range(4)
    ]
    assert rows[0]["pauses"] == [{"start": 0.0, "end": 0.6, "seconds": 0.6}]
    assert rows[2]["filler_events"] == [{"kind": "um", "start": 4.0, "end": 4.2}] * 2


async def test_state_never_goes_backwards(read_model: ReadModel, ids: tuple[str, str]) -> None:
    interview_id, user_id = ids
    await read_model.upsert_metadata(metadata_event(interview_id, user_id))
    await read_model.upsert_state(state_event(interview_id, user_id, "TRANSCRIBING", 5, 40.0))
    await read_model.upsert_state(state_event(interview_id, user_id, "UPLOADED", 0, 0.0))  # late, older
    row = await read_model.get_interview(interview_id, user_id)
    assert row is not None
    assert (row["status"], row["percent"]) == ("TRANSCRIBING", 40.0)
    await read_model.upsert_states(
        [
            state_event(interview_id, user_id, "ANALYZING", 6, 80.0),
            state_event(interview_id, user_id, "ANALYZING", 6, 80.0),
        ]
    )
    row = await read_model.get_interview(interview_id, user_id)
    assert row is not None
    assert (row["status"], row["percent"], row["segments"]) == ("ANALYZING", 80.0, 6)


async def test_analysis_is_stored_whole_once(read_model: ReadModel, ids: tuple[str, str]) -> None:
    interview_id, user_id = ids
    event = analysis_event(interview_id, user_id, 71.5)
    await read_model.upsert_analysis(event)
    await read_model.upsert_analysis(event)
    row = await read_model.get_analysis(interview_id, user_id)
    assert row is not None
    assert row["overall_score"] == 71.5
    assert row["document"]["speech"]["filler_words"] == {"um": 2}
    assert row["document"]["completed_at"] == event["completed_at"].isoformat()
    await read_model.upsert_analysis({**event, "overall_score": 75.0})  # a recomputation replaces it
    row = await read_model.get_analysis(interview_id, user_id)
    assert row is not None
    assert row["overall_score"] == 75.0


async def test_reads_are_scoped_to_the_owner(read_model: ReadModel, ids: tuple[str, str]) -> None:
    interview_id, user_id = ids
    stranger = f"user-{uuid.uuid4()}"
    await read_model.upsert_metadata(metadata_event(interview_id, user_id))
    await read_model.upsert_segments([segment_event(interview_id, user_id, 0, "hello")])
    await read_model.upsert_metrics([metrics_event(interview_id, user_id, 0, 1)])
    await read_model.upsert_analysis(analysis_event(interview_id, user_id, 50.0))
    assert await read_model.get_interview(interview_id, stranger) is None
    assert await read_model.list_segments(interview_id, stranger) == []
    assert await read_model.list_metrics(interview_id, stranger) == []
    assert await read_model.get_analysis(interview_id, stranger) is None
    assert await read_model.list_interviews(stranger, 10, 0) == ([], 0)
    assert await read_model.claim_upload(interview_id, stranger) == "missing"


async def test_a_lock_its_holder_left_on_a_session_connection_is_released_when_it_goes_back(
    read_model: ReadModel, database_url: str
) -> None:
    key = uuid.uuid4().int % 2**62
    async with read_model.session_connection() as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (key,))  # and never unlocked
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as outsider:
        cursor = await outsider.execute("SELECT pg_try_advisory_lock(%s)", (key,))
        row = await cursor.fetchone()
        assert row is not None and row[0] is True, "the pooled connection kept the lock"
        await outsider.execute("SELECT pg_advisory_unlock(%s)", (key,))
