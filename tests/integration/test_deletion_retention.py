"""Retention through the gateway, against the real PostgreSQL and Kafka: a recording older than
its owner's retention period is deleted by the sweeper, a recent one stays, and the interview
keeps its analysis and shows its recording as deleted."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from dev.synthesize import wav_bytes
from gateway.db.erasure import ErasureQueries
from gateway.retention import sweep_recordings
from sinks.blobs.local import LocalBlobStore
from tests.integration.gateway_helpers import RunningGateway, analysis_event

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


async def uploaded(gateway: RunningGateway, user: str, seconds: float) -> tuple[str, Path]:
    """An interview with a recording (a different file each time, so none is a duplicate)."""
    created = await gateway.client.post("/interviews", json={}, headers=gateway.auth(user))
    interview_id = str(created.json()["interview_id"])
    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording", content=wav_bytes(seconds), headers=gateway.auth(user)
    )
    assert response.status_code == 202, response.text
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    return interview_id, Path(str(row["blob_uri"]).removeprefix("file://"))


def backdate(database_url: str, interview_id: str, days: float) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE interviews SET uploaded_at = uploaded_at - %s WHERE interview_id = %s",
            (timedelta(days=days), interview_id),
        )


async def sweep(gateway: RunningGateway) -> list[str]:
    """One round of the sweeper, as the gateway runs it (the database may hold other tests' rows)."""
    return await sweep_recordings(
        ErasureQueries(gateway.read_model),
        LocalBlobStore(gateway.settings.blob_root),
        gateway.settings.retention_days,
        batch=10_000,
    )


async def test_the_sweeper_deletes_an_old_recording_and_keeps_a_recent_one(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    old_id, old_blob = await uploaded(gateway, user, 0.6)
    recent_id, recent_blob = await uploaded(gateway, user, 0.7)
    await gateway.read_model.upsert_analysis(analysis_event(old_id, user, 81.0))
    backdate(database_url, old_id, 91)
    backdate(database_url, recent_id, 89)

    swept = await sweep(gateway)

    assert old_id in swept and recent_id not in swept
    assert not old_blob.exists()
    assert recent_blob.is_file()
    old = (await gateway.client.get(f"/interviews/{old_id}", headers=gateway.auth(user))).json()
    assert old["recording"]["deleted_at"] is not None, "the interview shows its recording as deleted"
    recent = (await gateway.client.get(f"/interviews/{recent_id}", headers=gateway.auth(user))).json()
    assert recent["recording"]["deleted_at"] is None
    analysis = await gateway.client.get(f"/interviews/{old_id}/analysis", headers=gateway.auth(user))
    assert analysis.status_code == 200, "the analysis outlives the recording"
    assert old_id not in await sweep(gateway)


async def test_a_users_own_retention_period_is_used(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    settings = await gateway.client.put(
        "/me/settings", json={"retention_days": 7}, headers=gateway.auth(user)
    )
    assert settings.json() == {
        "retention_days": 7,
        "retention_is_default": False,
        "email_notifications": True,
    }
    week_old, week_old_blob = await uploaded(gateway, user, 0.8)
    backdate(database_url, week_old, 8)
    other = f"retention-{uuid.uuid4()}"
    others, others_blob = await uploaded(gateway, other, 0.9)
    backdate(database_url, others, 8)

    swept = await sweep(gateway)

    assert week_old in swept and others not in swept
    assert not week_old_blob.exists() and others_blob.is_file()


async def test_settings_default_to_the_services_retention_and_refuse_nonsense(
    gateway: RunningGateway, user: str
) -> None:
    default = await gateway.client.get("/me/settings", headers=gateway.auth(user))
    assert default.json() == {"retention_days": 90, "retention_is_default": True, "email_notifications": True}
    for bad in (0, -5, "soon", 100_000):
        refused = await gateway.client.put(
            "/me/settings", json={"retention_days": bad}, headers=gateway.auth(user)
        )
        assert refused.status_code == 422, bad
    await gateway.client.put("/me/settings", json={"retention_days": 30}, headers=gateway.auth(user))
    reset = await gateway.client.put(
        "/me/settings", json={"retention_days": None}, headers=gateway.auth(user)
    )
    assert reset.json() == {"retention_days": 90, "retention_is_default": True, "email_notifications": True}
