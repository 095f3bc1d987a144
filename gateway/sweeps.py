"""The loop behind the gateway's periodic sweeps (expired uploads, recordings past retention)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def sweep_every(
    interval_seconds: float, sweep_batch: Callable[[], Awaitable[list[str]]], batch: int, what: str
) -> None:
    """Run ``sweep_batch`` until a batch comes back short (a full one means more may be waiting),
    log what went, sleep ``interval_seconds``, again until cancelled. A failing round is logged
    and the next one tried: PostgreSQL or the store may be back by then, and the gateway keeps
    serving meanwhile."""
    while True:
        try:
            swept: list[str] = []
            while True:
                removed = await sweep_batch()
                swept += removed
                if len(removed) < batch:
                    break
            if swept:
                log.info("swept %d %s: %s", len(swept), what, ", ".join(swept))
        except Exception:
            log.exception("sweeping %s failed", what)
        await asyncio.sleep(interval_seconds)
