"""Uploading a file again through the real gateway: linked to an earlier analysis that completed
or is under way, analysed anew when the earlier one failed or is stuck."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dev.synthesize import wav_bytes
from tests.integration.gateway_helpers import (
    RunningGateway,
    gateway_settings,
    running_gateway,
    state_event,
    upload_announcement,
)
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

WAV = wav_bytes()
#: Past the stuck bound of a half-second recording (5 minutes).
LONG_AGO = timedelta(hours=1)


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    # The stuck-interview sweeper must not re-emit (and so refresh) the stuck originals here.
    settings = gateway_settings(
        tmp_path / "run", kafka_bootstrap, database_url, topic_prefix, stuck_sweep_seconds=3600
    )
    async with running_gateway(settings) as running:
        yield running


async def uploaded_interview(gateway: RunningGateway, user: str) -> dict[str, Any]:
    """A new interview of ``user`` with :data:`WAV` uploaded; the upload's answer."""
    headers = gateway.auth(user)
    response = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=headers)
    assert response.status_code == 201, response.text
    interview_id = response.json()["interview_id"]
    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=WAV,
        headers={**headers, "Content-Type": "audio/wav", "X-Filename": "answer.wav"},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def set_state(
    gateway: RunningGateway, interview_id: str, user: str, status: str, age: timedelta = timedelta(0)
) -> None:
    """The state as the worker's sink writes it, last changed ``age`` ago."""
    state = state_event(interview_id, user, status, version=7, percent=40.0)
    await gateway.read_model.upsert_state({**state, "updated_at": datetime.now(UTC) - age})


async def test_a_file_whose_analysis_failed_is_analysed_anew(gateway: RunningGateway, user: str) -> None:
    failed = await uploaded_interview(gateway, user)
    await set_state(gateway, failed["interview_id"], user, "FAILED")

    again = await uploaded_interview(gateway, user)
    assert again["recording"]["duplicate_of"] is None
    assert (again["status"], again["percent"]) == ("UPLOADED", 0)
    record = await upload_announcement(gateway.settings, again["interview_id"])
    event = record.decoded(INTERVIEW_UPLOADED)
    assert (event["user_id"], event["sha256"]) == (user, again["recording"]["sha256"])

    # A third upload follows the new analysis, not the failed one.
    third = await uploaded_interview(gateway, user)
    assert third["recording"]["duplicate_of"] == again["interview_id"]
    assert third["status"] == "UPLOADED"


async def test_a_file_whose_analysis_is_stuck_is_analysed_anew(gateway: RunningGateway, user: str) -> None:
    stuck = await uploaded_interview(gateway, user)
    await set_state(gateway, stuck["interview_id"], user, "TRANSCRIBING", age=LONG_AGO)

    again = await uploaded_interview(gateway, user)
    assert again["recording"]["duplicate_of"] is None
    await upload_announcement(gateway.settings, again["interview_id"])


@pytest.mark.parametrize(("status", "age"), [("TRANSCRIBING", timedelta(0)), ("COMPLETED", LONG_AGO)])
async def test_a_file_whose_analysis_completed_or_is_under_way_is_linked(
    gateway: RunningGateway, user: str, status: str, age: timedelta
) -> None:
    original = await uploaded_interview(gateway, user)
    await set_state(gateway, original["interview_id"], user, status, age=age)

    again = await uploaded_interview(gateway, user)
    assert again["recording"]["duplicate_of"] == original["interview_id"]
    assert again["status"] == status  # the original's
