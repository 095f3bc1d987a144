"""Waiting until something has happened, for tests and benches: one poll loop, one message.

The condition's first truthy value is the answer, so a wait can hand back what it waited for
(a row, a record, a status). When it does not come in time the wait fails with
``AssertionError("<what> did not happen within <timeout>s")``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.25


def wait_until(condition: Callable[[], T], timeout: float, what: str, *, interval: float = POLL_SECONDS) -> T:
    """The first truthy value of ``condition``, asked every ``interval`` s for up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(min(interval, remaining))


async def wait_until_async(
    condition: Callable[[], Awaitable[T]], timeout: float, what: str, *, interval: float = POLL_SECONDS
) -> T:
    """:func:`wait_until` for a condition that is awaited; the event loop runs while it waits."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        await asyncio.sleep(min(interval, remaining))


def holds_within(condition: Callable[[], object], timeout: float, *, interval: float = POLL_SECONDS) -> bool:
    """Whether ``condition`` turns truthy within ``timeout`` s (asked every ``interval`` s);
    unlike :func:`wait_until`, running out of time is an answer, not a failure."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(interval, remaining))
