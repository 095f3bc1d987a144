"""The gateway's background tasks end at shutdown, even one that swallowed a cancellation."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from gateway.services import run_in_background


async def test_shutdown_ends_a_task_that_swallowed_its_cancellation() -> None:
    started = asyncio.Event()
    swallowed = asyncio.Event()

    async def sweep_that_swallows_once() -> None:
        # What Python 3.11's asyncio.wait_for can do inside a database call: the cancellation
        # is lost, and the sweep goes on to sleep for its whole interval.
        try:
            started.set()
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            swallowed.set()
        await asyncio.sleep(3600)

    async with AsyncExitStack() as stack:
        run_in_background(sweep_that_swallows_once(), "sweeper", stack)
        await started.wait()
        exiting = asyncio.create_task(stack.aclose())
        await asyncio.wait_for(asyncio.shield(exiting), timeout=10)
    assert swallowed.is_set()
    assert exiting.done() and exiting.exception() is None
