"""Deleting an interview and a whole account through the gateway, against the real PostgreSQL
and Kafka (and Azurite for the Azure store): the recording is gone from the store, every route
of the interview answers 404, its rows are gone and stay gone, and the compacted topics carry
tombstones for it."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from dev.synthesize import wav_bytes
from dev.topic_records import Received, collect_until
from gateway.settings import Settings
from gateway.tus.storage.local import LocalTusStore
from sinks.blobs.azure import AzureBlobStore
from tests.integration.gateway_helpers import (
    RunningGateway,
    analysis_event,
    gateway_settings,
    metrics_event,
    running_gateway,
    segment_event,
    state_event,
)
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_METADATA, INTERVIEW_STATE, PREP_SESSIONS, TopicSpec

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

RECORDING = wav_bytes(1.0)


def settings_for(tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str) -> Settings:
    return gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
    )


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    async with running_gateway(
        settings_for(tmp_path, kafka_bootstrap, database_url, topic_prefix)
    ) as running:
        yield running


async def create(gateway: RunningGateway, user: str, **fields: object) -> str:
    response = await gateway.client.post("/interviews", json=fields, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


async def upload(
    gateway: RunningGateway, user: str, interview_id: str, body: bytes = RECORDING
) -> dict[str, Any]:
    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=body,
        headers={**gateway.auth(user), "X-Filename": "my interview.wav"},
    )
    assert response.status_code == 202, response.text
    body_json: dict[str, Any] = response.json()
    return body_json


async def finish_analysis(gateway: RunningGateway, user: str, interview_id: str) -> None:
    """What the worker's sink writes for an analysed interview."""
    read_model = gateway.read_model
    await read_model.upsert_segments(
        [segment_event(interview_id, user, 0, "um I led the migration", final=True)]
    )
    await read_model.upsert_metrics([metrics_event(interview_id, user, 0, fillers=1)])
    await read_model.upsert_state(state_event(interview_id, user, "COMPLETED", 9, 100.0))
    await read_model.upsert_analysis(analysis_event(interview_id, user, 77.0))


async def blob_uri_of(gateway: RunningGateway, user: str, interview_id: str) -> str:
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None and row["blob_uri"]
    return str(row["blob_uri"])


def rows_of(database_url: str, interview_id: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return {
            table: int(
                conn.execute(
                    f"SELECT count(*) FROM {table} WHERE interview_id = %s", (interview_id,)
                ).fetchone()[0]  # type: ignore[index]
            )
            for table in ("transcript_segments", "segment_metrics", "interview_states", "analyses")
        }


async def tombstone_on(gateway: RunningGateway, spec: TopicSpec, key: str) -> Received:
    def has_tombstone(seen: list[Received]) -> bool:
        return any(record.key == key.encode() and record.value is None for record in seen)

    records = await collect_until(
        gateway.settings.kafka_bootstrap, spec, gateway.settings.topic_prefix, has_tombstone, timeout=30
    )
    return next(record for record in records if record.key == key.encode() and record.value is None)


def routes_of(interview_id: str) -> list[tuple[str, str]]:
    base = f"/interviews/{interview_id}"
    return [
        ("GET", base),
        ("GET", f"{base}/status"),
        ("GET", f"{base}/transcript"),
        ("GET", f"{base}/transcript.txt"),
        ("GET", f"{base}/metrics"),
        ("GET", f"{base}/analysis"),
        ("DELETE", base),
    ]


async def test_deleting_a_finished_interview_leaves_nothing_readable_and_tombstones_it(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    interview_id = await create(gateway, user, company="Acme", notes="they asked about Kafka")
    await upload(gateway, user, interview_id)
    await finish_analysis(gateway, user, interview_id)
    blob = Path((await blob_uri_of(gateway, user, interview_id)).removeprefix("file://"))
    assert blob.is_file()
    assert (
        await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    ).status_code == 200

    response = await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))

    assert response.status_code == 204
    assert not blob.exists(), "the recording is hard-deleted from the store"
    for method, url in routes_of(interview_id):
        answer = await gateway.client.request(method, url, headers=gateway.auth(user))
        assert answer.status_code == 404, (method, url, answer.text)
    patched = await gateway.client.patch(
        f"/interviews/{interview_id}", json={"company": "X"}, headers={**gateway.auth(user), "If-Match": "*"}
    )
    assert patched.status_code == 404
    again = await gateway.client.put(
        f"/interviews/{interview_id}/recording", content=RECORDING, headers=gateway.auth(user)
    )
    assert again.status_code == 404
    listed = (await gateway.client.get("/interviews", headers=gateway.auth(user))).json()
    assert listed == {"data": [], "count": 0}
    assert rows_of(database_url, interview_id) == dict.fromkeys(rows_of(database_url, interview_id), 0)
    with psycopg.connect(database_url) as conn:
        kept = conn.execute(
            "SELECT deleted_at, company, notes, filename, blob_uri FROM interviews WHERE interview_id = %s",
            (interview_id,),
        ).fetchone()
    assert kept is not None and kept[0] is not None, "the row stays as a marker"
    assert kept[1:] == (None, None, None, None), "what the user wrote is cleared"

    for spec in (INTERVIEW_METADATA, INTERVIEW_STATE, ANALYSIS_COMPLETED):
        tombstone = await tombstone_on(gateway, spec, interview_id)
        assert tombstone.value is None


async def test_rows_still_in_flight_for_a_deleted_interview_are_not_written(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    """The worker's sink may write a segment recognized while the user deleted the interview."""
    interview_id = await create(gateway, user)
    await upload(gateway, user, interview_id)
    await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))

    await finish_analysis(gateway, user, interview_id)

    assert set(rows_of(database_url, interview_id).values()) == {0}
    assert (
        await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))
    ).status_code == 404


async def test_deleting_twice_answers_404_the_second_time(gateway: RunningGateway, user: str) -> None:
    interview_id = await create(gateway, user)
    first = await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))
    second = await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))
    assert (first.status_code, second.status_code) == (204, 404)
    assert second.json()["error"]["code"] == "interview_not_found"


async def test_deleting_another_users_interview_is_404_and_keeps_it(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    interview_id = await create(gateway, user, company="Acme")
    await upload(gateway, user, interview_id)
    await finish_analysis(gateway, user, interview_id)

    response = await gateway.client.delete(
        f"/interviews/{interview_id}", headers=gateway.auth("someone-else")
    )
    missing = await gateway.client.delete(f"/interviews/{uuid.uuid4()}", headers=gateway.auth(user))

    assert (response.status_code, missing.status_code) == (404, 404)
    assert Path((await blob_uri_of(gateway, user, interview_id)).removeprefix("file://")).is_file()
    kept = await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    assert kept.status_code == 200
    assert rows_of(database_url, interview_id) == dict.fromkeys(rows_of(database_url, interview_id), 1)


async def test_deleting_an_original_deletes_its_duplicates(gateway: RunningGateway, user: str) -> None:
    original = await create(gateway, user)
    await upload(gateway, user, original)
    duplicate = await create(gateway, user)
    assert (await upload(gateway, user, duplicate))["recording"]["duplicate_of"] == original

    response = await gateway.client.delete(f"/interviews/{original}", headers=gateway.auth(user))

    assert response.status_code == 204
    for interview_id in (original, duplicate):
        answer = await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))
        assert answer.status_code == 404
    # The same file uploaded afterwards is a new original, not a duplicate of a deleted one.
    fresh = await create(gateway, user)
    assert (await upload(gateway, user, fresh))["recording"]["duplicate_of"] is None


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def unfinished_upload(gateway: RunningGateway, user: str, interview_id: str) -> str:
    tus = {**gateway.auth(user), "Tus-Resumable": "1.0.0"}
    created = await gateway.client.post(
        "/uploads/",
        headers={
            **tus,
            "Upload-Length": str(len(RECORDING)),
            "Upload-Metadata": f"interview_id {b64(interview_id)}",
        },
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    patched = await gateway.client.patch(
        location,
        content=RECORDING[:4096],
        headers={**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert patched.status_code == 204, patched.text
    return location.rstrip("/").rsplit("/", 1)[-1]


async def test_deleting_an_interview_removes_its_unfinished_upload(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await create(gateway, user)
    upload_id = await unfinished_upload(gateway, user, interview_id)
    data = LocalTusStore(gateway.settings.blob_root).data_path(user, upload_id)
    assert data.is_file()

    await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))

    assert not data.exists()
    head = await gateway.client.head(
        f"/uploads/{upload_id}", headers={**gateway.auth(user), "Tus-Resumable": "1.0.0"}
    )
    assert head.status_code == 404


async def test_delete_me_removes_everything_of_the_user_and_nothing_of_others(
    gateway: RunningGateway, user: str, database_url: str
) -> None:
    other = f"other-{uuid.uuid4()}"
    others_interview = await create(gateway, other, company="Kept")
    finished = await create(gateway, user, company="Acme")
    await upload(gateway, user, finished)
    await finish_analysis(gateway, user, finished)
    blob = Path((await blob_uri_of(gateway, user, finished)).removeprefix("file://"))
    pending = await create(gateway, user)
    upload_id = await unfinished_upload(gateway, user, pending)
    session = await gateway.client.post(
        "/prep-sessions",
        json={"interview_type": "behavioral", "question_count": 2},
        headers=gateway.auth(user),
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["prep_session_id"]
    question_id = session.json()["questions"][0]["question_id"]
    answers_url = f"/prep-sessions/{session_id}/questions/{question_id}/answers"
    answered = await gateway.client.post(
        answers_url,
        json={"answer": "I led the migration and we cut latency by half."},
        headers=gateway.auth(user),
    )
    assert answered.status_code == 201, answered.text
    settings = await gateway.client.put(
        "/me/settings", json={"retention_days": 30}, headers=gateway.auth(user)
    )
    assert settings.status_code == 200

    response = await gateway.client.delete("/me", headers=gateway.auth(user))

    assert response.status_code == 204
    assert (await gateway.client.get("/interviews", headers=gateway.auth(user))).json()["count"] == 0
    assert (await gateway.client.get("/prep-sessions", headers=gateway.auth(user))).json()["items"] == []
    assert (
        await gateway.client.get(f"/prep-sessions/{session_id}", headers=gateway.auth(user))
    ).status_code == 404
    assert (await gateway.client.get(answers_url, headers=gateway.auth(user))).status_code == 404
    assert not blob.exists()
    assert not LocalTusStore(gateway.settings.blob_root).data_path(user, upload_id).exists()
    assert (await gateway.client.get("/me/settings", headers=gateway.auth(user))).json()[
        "retention_is_default"
    ]
    with psycopg.connect(database_url) as conn:
        left = {
            table: conn.execute(f"SELECT count(*) FROM {table} WHERE user_id = %s", (user,)).fetchone()[0]  # type: ignore[index]
            for table in ("prep_sessions", "practice_answers", "tus_uploads", "user_settings", "analyses")
        }
    assert set(left.values()) == {0}, left
    await tombstone_on(gateway, PREP_SESSIONS, session_id)
    for interview_id in (finished, pending):
        await tombstone_on(gateway, INTERVIEW_METADATA, interview_id)
    assert (
        await gateway.client.get(f"/interviews/{others_interview}", headers=gateway.auth(other))
    ).status_code == 200

    again = await gateway.client.delete("/me", headers=gateway.auth(user))
    assert again.status_code == 204, "deleting an account twice is not an error"


async def test_deleting_with_the_azure_store_removes_the_blob(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str, azurite_connection_string: str
) -> None:
    settings = settings_for(tmp_path, kafka_bootstrap, database_url, topic_prefix).model_copy(
        update={
            "blob_store": "azure",
            "azure_storage_connection_string": SecretStr(azurite_connection_string),
            "azure_blob_container": f"deletion-{uuid.uuid4().hex[:8]}",
        }
    )
    user = f"azure-{uuid.uuid4()}"
    async with running_gateway(settings) as gateway:
        interview_id = await create(gateway, user)
        await upload(gateway, user, interview_id)
        uri = await blob_uri_of(gateway, user, interview_id)
        async with AzureBlobStore.from_connection_string(
            azurite_connection_string, settings.azure_blob_container
        ) as store:
            assert await store.exists(uri)

            response = await gateway.client.delete(f"/interviews/{interview_id}", headers=gateway.auth(user))

            assert response.status_code == 204
            assert not await store.exists(uri)
