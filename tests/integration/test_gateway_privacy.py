"""A user never gets a download or playback URL of their recording, from any route."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from dev.synthesize import wav_bytes
from gateway.settings import Settings
from tests.integration.gateway_helpers import (
    RunningGateway,
    analysis_event,
    metrics_event,
    running_gateway,
    segment_event,
)

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

RECORDING = wav_bytes(seconds=0.2)
#: What a storage URL looks like, whatever the store: a local path, a blob URL, a SAS token.
URL_MARKERS = (
    "file://",
    "blob_uri",
    "devstoreaccount1",
    "blob.core.windows.net",
    "&sig=",
    "?sv=",
    "/recordings/",
)


@pytest.fixture(params=["local", "azure"])
async def gateway(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    topic_prefix: str,
) -> AsyncIterator[RunningGateway]:
    azure: dict[str, object] = {}
    if request.param == "azure":
        connection_string = request.getfixturevalue("azurite_connection_string")
        azure = {
            "blob_store": "azure",
            "azure_storage_connection_string": SecretStr(connection_string),
            "azure_blob_container": f"privacy-{uuid.uuid4().hex[:12]}",
        }
    settings = Settings(
        run_dir=tmp_path / "run",
        kafka_bootstrap=kafka_bootstrap,
        database_url=SecretStr(database_url),
        topic_prefix=topic_prefix,
        **azure,  # type: ignore[arg-type]
    )
    async with running_gateway(settings) as running:
        yield running


def leaks(response: httpx.Response, blob_uri: str) -> list[str]:
    """Where the answer (body or headers) names the stored recording."""
    text = response.text + json.dumps(dict(response.headers))
    return [marker for marker in (blob_uri, *URL_MARKERS) if marker in text]


async def test_no_route_answers_the_owner_with_a_recording_url(gateway: RunningGateway) -> None:
    user = f"user-{uuid.uuid4()}"
    auth = gateway.auth(user)
    tus = {**auth, "Tus-Resumable": "1.0.0"}
    answers: list[httpx.Response] = []
    interview_ids = []
    for route in ("tus", "plain"):
        created = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=auth)
        interview_id = created.json()["interview_id"]
        interview_ids.append(interview_id)
        if route == "plain":
            answers.append(
                await gateway.client.put(
                    f"/interviews/{interview_id}/recording", content=RECORDING, headers=auth
                )
            )
        else:
            upload = await gateway.client.post(
                "/uploads/",
                headers={
                    **tus,
                    "Upload-Length": str(len(RECORDING)),
                    "Upload-Metadata": f"interview_id {base64.b64encode(interview_id.encode()).decode()}",
                },
            )
            patched = await gateway.client.patch(
                upload.headers["Location"],
                content=RECORDING,
                headers={**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
            )
            assert patched.status_code == 204, patched.text
            answers += [upload, patched, await gateway.client.head(upload.headers["Location"], headers=tus)]
        await gateway.read_model.upsert_segments(
            [segment_event(interview_id, user, 0, "my answer", final=True)]
        )
        await gateway.read_model.upsert_metrics([metrics_event(interview_id, user, 0, fillers=1)])
        await gateway.read_model.upsert_analysis(analysis_event(interview_id, user, 70.0))
        for path in ("", "/status", "/transcript", "/transcript.srt", "/metrics", "/analysis"):
            answers.append(await gateway.client.get(f"/interviews/{interview_id}{path}", headers=auth))
        answers.append(
            await gateway.client.patch(
                f"/interviews/{interview_id}",
                json={"notes": "edited after upload"},
                headers={**auth, "If-Match": answers[-6].headers["ETag"]},
            )
        )
    answers.append(await gateway.client.get("/interviews", headers=auth))

    for interview_id in interview_ids:
        row = await gateway.read_model.get_interview(interview_id, user)
        assert row is not None and row["blob_uri"], "the recording was stored"
        for response in answers:
            assert response.status_code < 300, (response.request.url, response.text)
            assert leaks(response, row["blob_uri"]) == [], f"{response.request.method} {response.request.url}"
    own = answers[-1].json()["data"][0]
    assert own["recording"]["sha256"] and own["recording"]["size_bytes"] == len(RECORDING)
