"""A re-run of a transcription that ends with fewer segments leaves no stale tail in the read model."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sinks.read_model import ReadModel
from tests.integration.gateway_helpers import metrics_event, segment_event

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
def ids() -> tuple[str, str]:
    return f"interview-{uuid.uuid4()}", f"user-{uuid.uuid4()}"


def run_of(interview_id: str, user_id: str, segments: int, words: str) -> tuple[list[dict[str, Any]], ...]:
    """The segments and metrics one transcription run writes: seq 0..segments-1, the last final."""
    last = segments - 1
    return (
        [
            segment_event(interview_id, user_id, seq, f"{words} {seq}", final=seq == last)
            for seq in range(segments)
        ],
        [
            {**metrics_event(interview_id, user_id, seq, fillers=seq), "final": seq == last}
            for seq in range(segments)
        ],
    )


async def write(read_model: ReadModel, run: tuple[list[dict[str, Any]], ...]) -> None:
    segments, metrics = run
    await read_model.upsert_segments(segments)
    await read_model.upsert_metrics(metrics)


async def stored(read_model: ReadModel, interview_id: str, user_id: str) -> tuple[list[Any], list[Any]]:
    return (
        await read_model.list_segments(interview_id, user_id),
        await read_model.list_metrics(interview_id, user_id),
    )


async def test_a_shorter_rerun_removes_the_rows_past_its_final_seq_and_a_replay_writes_the_same(
    read_model: ReadModel, ids: tuple[str, str]
) -> None:
    interview_id, user_id = ids
    neighbour = f"interview-{uuid.uuid4()}"
    longer, shorter = run_of(interview_id, user_id, 8, "first run"), run_of(interview_id, user_id, 5, "again")
    await write(read_model, run_of(neighbour, user_id, 8, "another interview"))
    await write(read_model, longer)
    segments, metrics = await stored(read_model, interview_id, user_id)
    assert [r["seq"] for r in segments] == [r["seq"] for r in metrics] == list(range(8))

    await write(read_model, shorter)

    segments, metrics = await stored(read_model, interview_id, user_id)
    assert [r["seq"] for r in segments] == [r["seq"] for r in metrics] == [0, 1, 2, 3, 4]
    assert [r["text"] for r in segments] == [f"again {seq}" for seq in range(5)]
    assert [r["final"] for r in segments] == [r["final"] for r in metrics] == [False] * 4 + [True]
    neighbours = await stored(read_model, neighbour, user_id)
    assert [len(rows) for rows in neighbours] == [8, 8], "another interview's rows stay"

    # A replay of the topics delivers both runs again, in order: the same rows come back.
    await write(read_model, longer)
    await write(read_model, shorter)
    assert await stored(read_model, interview_id, user_id) == (segments, metrics)


async def test_a_later_longer_run_in_the_same_batch_is_written_after_the_trim(
    read_model: ReadModel, ids: tuple[str, str]
) -> None:
    interview_id, user_id = ids
    await write(read_model, run_of(interview_id, user_id, 8, "first run"))
    shorter, longer = run_of(interview_id, user_id, 5, "again"), run_of(interview_id, user_id, 7, "third")

    # One sink batch holds the end of the short run and then the whole of a longer one.
    await write(read_model, (shorter[0] + longer[0], shorter[1] + longer[1]))

    segments, metrics = await stored(read_model, interview_id, user_id)
    assert [r["seq"] for r in segments] == [r["seq"] for r in metrics] == list(range(7))
    assert [r["text"] for r in segments] == [f"third {seq}" for seq in range(7)]
