"""The handler path's wait for a fresh cluster's table topics (``streams/dead_letters.py``): a
partition-count mismatch is the cluster settling, waited out without spending an attempt, and
one that outlasts the waits is given up on at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from faust.exceptions import PartitionsMismatch

import streams.dead_letters
from streams.dead_letters import when_settled
from streams.retry_policy import GaveUp, RetryPolicy


@pytest.fixture(autouse=True)
def quick_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams.dead_letters, "UNSETTLED_WAIT_SECONDS", 0.0)
    monkeypatch.setattr(streams.dead_letters, "UNSETTLED_WAITS", 3)


def handler_failing_with(*errors: Exception) -> tuple[list[int], Callable[[], Awaitable[None]]]:
    """A handler that raises ``errors`` one per call, then succeeds; and its calls."""
    calls: list[int] = []
    left = list(errors)

    async def handle() -> None:
        calls.append(1)
        if left:
            raise left.pop(0)

    return calls, handle


async def test_a_mismatch_while_the_topics_settle_is_waited_out_without_spending_an_attempt() -> None:
    calls, handle = handler_failing_with(*[PartitionsMismatch("0 partitions")] * 3)
    policy = RetryPolicy(attempts=1, backoff_seconds=0.0, max_backoff_seconds=0.01)
    assert await policy.attempt(when_settled(handle, "an agent"), "an agent on a topic") is None
    assert len(calls) == 4  # though one attempt only


async def test_a_mismatch_that_outlasts_the_waits_of_all_tries_is_given_up_on_at_once() -> None:
    mismatch = PartitionsMismatch("0 partitions")
    # Two waits in the first try, then a failure of the record's own, then the last wait
    # and the mismatch that no wait is left for.
    calls, handle = handler_failing_with(mismatch, mismatch, ValueError("bad record"), mismatch, mismatch)
    policy = RetryPolicy(attempts=3, backoff_seconds=0.0, max_backoff_seconds=0.01)
    gave_up = await policy.attempt(
        when_settled(handle, "an agent"), "an agent on a topic", give_up_at_once=(PartitionsMismatch,)
    )
    assert gave_up == GaveUp(mismatch, attempts=2)
    assert len(calls) == 5
