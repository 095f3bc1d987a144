"""For operators and the dev stack: liveness (200 only when Kafka and PostgreSQL answer) and the
gateway's Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.deps import PublisherDep, ReadModelDep
from gateway.models.health import HealthPublic
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


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """The process's Prometheus metrics (``ib_stuck_interviews_reemitted_total`` among them)."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
