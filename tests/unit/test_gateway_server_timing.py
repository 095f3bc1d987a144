"""Every answer says how long the gateway worked on it (``Server-Timing``)."""

from __future__ import annotations

import asyncio
import re

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from gateway.server_timing import ServerTimingMiddleware


async def _slow(request: object) -> PlainTextResponse:
    await asyncio.sleep(0.05)  # the work the header measures, not a wait for a condition
    return PlainTextResponse("done", headers={"Server-Timing": "db;dur=1"})


def test_the_answer_carries_the_time_until_it_started_beside_any_timing_of_its_own() -> None:
    app = Starlette(routes=[Route("/slow", _slow)])
    app.add_middleware(ServerTimingMiddleware)
    answer = TestClient(app).get("/slow")
    timings = answer.headers.get_list("server-timing")
    assert "db;dur=1" in timings
    app_timing = next(timing for timing in timings if timing.startswith("app;"))
    duration = float(re.fullmatch(r"app;dur=(\d+\.\d)", app_timing).group(1))  # type: ignore[union-attr]
    assert duration >= 50.0
