"""Liveness for operators and the dev stack: 200 only when Kafka and PostgreSQL answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.deps import PublisherDep, ReadModelDep
from gateway.models import HealthPublic
from topics.errors import InterviewBuddyError

router = APIRouter(tags=["health"])
PING_TIMEOUT_SECONDS = 5.0


async def _check(probe: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(probe, PING_TIMEOUT_SECONDS)
    except (InterviewBuddyError, TimeoutError, OSError) as exc:
        return f"unavailable: {exc}"
    return "ok"


@router.get("/healthz", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
async def healthz(read_model: ReadModelDep, publisher: PublisherDep) -> JSONResponse:
    kafka, postgres = await asyncio.gather(_check(publisher.ping()), _check(read_model.ping()))
    healthy = kafka == "ok" and postgres == "ok"
    body = HealthPublic(status="ok" if healthy else "unavailable", kafka=kafka, postgres=postgres)
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)
