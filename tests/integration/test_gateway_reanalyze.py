"""Asking for a new analysis of an interview through the real gateway (PostgreSQL, Kafka):
allowed once the analysis completed or failed, under the next run number, announced with an
``interview.uploaded`` record of that run; refused while it runs or when no recording is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from dev.synthesize import wav_bytes
from dev.topic_records import collect_until, wait_for_record
from tests.integration.gateway_helpers import (
    RunningGateway,
    analysis_event,
    gateway_settings,
    running_gateway,
    state_event,
)
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

WAV = wav_bytes()


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(
        tmp_path / "run", kafka_bootstrap, database_url, topic_prefix, stuck_sweep_seconds=3600
    )
    async with running_gateway(settings) as running:
        yield running


async def new_interview(gateway: RunningGateway, user: str) -> str:
    response = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


async def upload(gateway: RunningGateway, user: str, interview_id: str) -> dict[str, Any]:
    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=WAV,
        headers={**gateway.auth(user), "Content-Type": "audio/wav", "X-Filename": "answer.wav"},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def finish(
    gateway: RunningGateway, interview_id: str, user: str, status: str, version: int, run: int = 0
) -> None:
    """The state as the worker's sink writes it when the analysis (of ``run``) is over."""
    state = state_event(interview_id, user, status, version=version, percent=100)
    await gateway.read_model.upsert_state({**state, "run": run})


async def reanalyze(gateway: RunningGateway, user: str, interview_id: str) -> Any:
    return await gateway.client.post(f"/interviews/{interview_id}/reanalyze", headers=gateway.auth(user))


async def announced_runs(gateway: RunningGateway, interview_id: str, count: int) -> list[dict[str, Any]]:
    """The first ``count`` interview.uploaded events of the interview, decoded."""
    settings = gateway.settings
    records = await collect_until(
        settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        settings.topic_prefix,
        lambda seen: sum(record.key == interview_id.encode() for record in seen) >= count,
        timeout=30,
    )
    return [record.decoded(INTERVIEW_UPLOADED) for record in records if record.key == interview_id.encode()]


async def test_a_completed_interview_is_analysed_again_under_the_next_run(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await new_interview(gateway, user)
    recording = (await upload(gateway, user, interview_id))["recording"]
    await finish(gateway, interview_id, user, "COMPLETED", version=9)

    response = await reanalyze(gateway, user, interview_id)

    assert response.status_code == 202, response.text
    assert (response.json()["status"], response.json()["percent"], response.json()["run"]) == (
        "UPLOADED",
        0,
        1,
    )
    status = (
        await gateway.client.get(f"/interviews/{interview_id}/status", headers=gateway.auth(user))
    ).json()
    assert (status["status"], status["run"]) == ("UPLOADED", 1)
    first, again = await announced_runs(gateway, interview_id, 2)
    assert (first["run"], again["run"]) == (0, 1)
    assert (again["blob_uri"], again["sha256"]) == (first["blob_uri"], recording["sha256"])
    # The worker's states of the new run (their versions go on growing) reach the read model.
    await finish(gateway, interview_id, user, "FAILED", version=11, run=1)
    response = await reanalyze(gateway, user, interview_id)
    assert (response.status_code, response.json()["run"]) == (202, 2)


async def test_no_new_analysis_while_one_is_running(gateway: RunningGateway, user: str) -> None:
    interview_id = await new_interview(gateway, user)
    await upload(gateway, user, interview_id)  # UPLOADED: the worker has it
    refused = await reanalyze(gateway, user, interview_id)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "analysis_still_running"
    assert "still being analysed" in refused.json()["error"]["message"]

    await finish(gateway, interview_id, user, "COMPLETED", version=5)
    assert (await reanalyze(gateway, user, interview_id)).status_code == 202
    twice = await reanalyze(gateway, user, interview_id)  # the second click of an impatient user
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "analysis_still_running")
    assert [event["run"] for event in await announced_runs(gateway, interview_id, 2)] == [0, 1]


async def test_an_interview_without_a_recording_cannot_be_analysed(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await new_interview(gateway, user)
    refused = await reanalyze(gateway, user, interview_id)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "no_recording"
    assert "Upload the recording again" in refused.json()["error"]["message"]


async def test_another_users_interview_is_not_found(gateway: RunningGateway, user: str) -> None:
    interview_id = await new_interview(gateway, user)
    await upload(gateway, user, interview_id)
    await finish(gateway, interview_id, user, "COMPLETED", version=5)
    assert (await reanalyze(gateway, f"{user}-other", interview_id)).status_code == 404
    assert (await reanalyze(gateway, user, "no-such-interview")).status_code == 404
    status = (
        await gateway.client.get(f"/interviews/{interview_id}/status", headers=gateway.auth(user))
    ).json()
    assert (status["status"], status["run"]) == ("COMPLETED", 0)


async def test_a_duplicate_upload_reanalyses_its_original(gateway: RunningGateway, user: str) -> None:
    original = await new_interview(gateway, user)
    await upload(gateway, user, original)
    await finish(gateway, original, user, "COMPLETED", version=5)
    duplicate = await new_interview(gateway, user)
    assert (await upload(gateway, user, duplicate))["recording"]["duplicate_of"] == original

    response = await reanalyze(gateway, user, duplicate)

    assert (response.status_code, response.json()["run"]) == (202, 1)
    assert response.json()["interview_id"] == duplicate
    record = await wait_for_record(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        gateway.settings.topic_prefix,
        lambda record: record.key == original.encode() and record.decoded(INTERVIEW_UPLOADED)["run"] == 1,
        timeout=30,
    )
    assert record.decoded(INTERVIEW_UPLOADED)["interview_id"] == original


async def test_an_analysis_of_an_earlier_run_never_replaces_a_later_one(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await new_interview(gateway, user)
    await upload(gateway, user, interview_id)
    await gateway.read_model.upsert_analysis({**analysis_event(interview_id, user, 81.0), "run": 1})
    await gateway.read_model.upsert_analysis(
        {**analysis_event(interview_id, user, 42.0), "run": 0}
    )  # a replay
    await finish(gateway, interview_id, user, "COMPLETED", version=5)
    analysis = (
        await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    ).json()
    assert (analysis["overall_score"], analysis["run"]) == (81.0, 1)
