"""Helpers for the gateway and read-model tests: a running app, tokens, events, a vanishing client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from dev.topic_records import Received, wait_for_record
from gateway.auth import DevIssuer
from gateway.main import create_app
from gateway.settings import Settings
from sinks.read_model import ReadModel
from topics.admin import delete_prefixed_topics
from topics.catalog import (
    ANALYSIS_COMPLETED,
    INTERVIEW_METADATA,
    INTERVIEW_STATE,
    INTERVIEW_UPLOADED,
    SEGMENT_METRICS,
    TRANSCRIPT_SEGMENTS,
    TopicSpec,
)
from topics.codec import AvroCodec

codec = AvroCodec()


@dataclass
class RunningGateway:
    client: httpx.AsyncClient
    settings: Settings
    read_model: ReadModel
    issuer: DevIssuer

    def auth(self, user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(user_id)}"}


def gateway_settings(
    run_dir: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str, **overrides: Any
) -> Settings:
    """The gateway's settings for a test: its own run folder and topics, the test services."""
    return Settings(
        run_dir=run_dir,
        kafka_bootstrap=kafka_bootstrap,
        database_url=SecretStr(database_url),
        topic_prefix=topic_prefix,
        **overrides,
    )


@asynccontextmanager
async def running_gateway(settings: Settings, *, delete_topics: bool = True) -> AsyncIterator[RunningGateway]:
    """The app in-process with its real lifespan (PostgreSQL, Kafka); its topics are deleted
    after, unless ``delete_topics`` is false (a worker of the same topics outlives it)."""
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                yield RunningGateway(
                    client=client,
                    settings=settings,
                    read_model=app.state.services.read_model,
                    issuer=DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience),
                )
    finally:
        if delete_topics:
            await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


# --- events as the worker's sink gets them: through Avro and back -------------------------


def as_consumed(spec: TopicSpec, event: dict[str, Any]) -> dict[str, Any]:
    return codec.decode(codec.encode(spec.value_schema, event), spec.value_schema)


def metadata_event(interview_id: str, user_id: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return as_consumed(
        INTERVIEW_METADATA,
        {
            "interview_id": interview_id,
            "user_id": user_id,
            "company": "Acme",
            "job_title": "Engineer",
            "interview_type": "technical",
            "notes": None,
            "job_description": None,
            "created_at": now,
            "updated_at": now,
        },
    )


def segment_event(
    interview_id: str, user_id: str, seq: int, text: str, final: bool = False
) -> dict[str, Any]:
    start = seq * 2.0
    words = [
        {"word": word, "start": start + i * 0.3, "end": start + i * 0.3 + 0.25, "confidence": 0.9}
        for i, word in enumerate(text.split())
    ]
    return as_consumed(
        TRANSCRIPT_SEGMENTS,
        {
            "interview_id": interview_id,
            "user_id": user_id,
            "seq": seq,
            "start": start,
            "end": start + 1.8,
            "text": text,
            "words": words,
            "confidence": 0.9,
            "speaker": None,
            "language": "en",
            "engine": "test",
            "audio_duration": 10.0,
            "processed_seconds": start + 1.8,
            "elapsed_seconds": 0.5,
            "final": final,
        },
    )


def metrics_event(interview_id: str, user_id: str, seq: int, fillers: int) -> dict[str, Any]:
    return as_consumed(
        SEGMENT_METRICS,
        {
            "interview_id": interview_id,
            "user_id": user_id,
            "seq": seq,
            "start": seq * 2.0,
            "end": seq * 2.0 + 1.8,
            "word_count": 5,
            "speaking_seconds": 1.5,
            "words_per_minute": 200.0,
            "filler_words": {"um": fillers},
            "filler_total": fillers,
            "filler_events": [{"kind": "um", "start": seq * 2.0, "end": seq * 2.0 + 0.2}] * fillers,
            "pauses": [{"start": seq * 2.0, "end": seq * 2.0 + 0.6, "seconds": 0.6}],
            "pause_count": 1,
            "long_pause_count": 0,
            "clarity": 90.0,
            "audio_duration": 10.0,
            "final": False,
        },
    )


def state_event(
    interview_id: str,
    user_id: str,
    status: str,
    version: int,
    percent: float,
    error_reason: str | None = None,
) -> dict[str, Any]:
    return as_consumed(
        INTERVIEW_STATE,
        {
            "interview_id": interview_id,
            "user_id": user_id,
            "status": status,
            "percent": percent,
            "eta_seconds": 12.0,
            "audio_duration": 10.0,
            "segments": version,
            "error_code": "transcription_failed" if error_reason else None,
            "error_reason": error_reason,
            "version": version,
            "updated_at": datetime.now(UTC),
        },
    )


#: The content section of an analysis without questions, as the rollup writes it.
NO_QUESTIONS_CONTENT: dict[str, Any] = {
    "status": "no_questions",
    "message": "We found no interview questions in this recording.",
    "analyzer": [],
    "speakers_known": False,
    "questions": [],
    "turns": [],
    "sentiment_timeline": [],
}


def analysis_event(
    interview_id: str,
    user_id: str,
    overall: float,
    *,
    content: dict[str, Any] | None = None,
    recommendations: list[str] | None = None,
) -> dict[str, Any]:
    return as_consumed(
        ANALYSIS_COMPLETED,
        {
            "interview_id": interview_id,
            "user_id": user_id,
            "speech": {
                "duration_seconds": 10.0,
                "speaking_seconds": 8.0,
                "word_count": 20,
                "wpm": 150.0,
                "filler_words": {"um": 2},
                "filler_total": 2,
                "fillers_per_minute": 12.0,
                "pause_count": 1,
                "long_pause_count": 0,
                "longest_pause_seconds": 0.6,
                "clarity_score": 90.0,
                "speech_score": 80.0,
                "score_breakdown": {"pace": 90.0, "fillers": 70.0, "pauses": 85.0, "clarity": 90.0},
            },
            "content": json.dumps(NO_QUESTIONS_CONTENT if content is None else content),
            "scores": {"speech": 80.0},
            "overall_score": overall,
            "recommendations": ["Say um less."] if recommendations is None else recommendations,
            "preliminary": False,
            "warnings": [],
            "completed_at": datetime.now(UTC),
        },
    )


async def patch_then_vanish(
    gateway_url: str, upload_url: str, auth: dict[str, str], body: bytes, sent: int
) -> None:
    """A tus PATCH at offset 0 that declares all of ``body`` and whose client vanishes after
    ``sent`` bytes of it (written on a raw socket: an HTTP client would not stop mid-body)."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", httpx.URL(gateway_url).port)
    request = (
        f"PATCH {httpx.URL(upload_url).path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
        f"Authorization: {auth['Authorization']}\r\n"
        "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    writer.write(request.encode() + body[:sent])
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def upload_announcement(settings: Settings, interview_id: str) -> Received:
    """The ``interview.uploaded`` record the gateway published for ``interview_id``."""
    return await wait_for_record(
        settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        settings.topic_prefix,
        lambda record: record.key == interview_id.encode(),
        timeout=30,
    )
