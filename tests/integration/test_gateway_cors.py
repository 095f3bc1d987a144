"""Browser uploaders (tus-js-client, Uppy) from allowed origins: preflights, exposed headers."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from dev.synthesize import wav_bytes
from gateway.settings import Settings
from tests.integration.gateway_helpers import RunningGateway, running_gateway

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

WEB_UI = "https://app.interview-buddy.example"
TUS_REQUEST_HEADERS = (
    "authorization, tus-resumable, upload-length, upload-offset, upload-metadata, upload-defer-length, "
    "upload-concat, upload-checksum, content-type, if-match, x-http-method-override"
)
TUS_EXPOSED_HEADERS = {
    "location",
    "upload-offset",
    "upload-length",
    "tus-version",
    "tus-resumable",
    "tus-max-size",
    "tus-extension",
    "upload-metadata",
    "upload-expires",
    "etag",
}


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    settings = Settings(
        run_dir=tmp_path / "run",
        kafka_bootstrap=kafka_bootstrap,
        database_url=SecretStr(database_url),
        topic_prefix=topic_prefix,
        cors_origins=[WEB_UI],
    )
    async with running_gateway(settings) as running:
        yield running


def preflight(origin: str, method: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": TUS_REQUEST_HEADERS,
    }


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/uploads/", "POST"),
        ("/uploads/0123abcd", "PATCH"),
        ("/uploads/0123abcd", "HEAD"),
        ("/interviews/x", "PATCH"),
    ],
)
async def test_a_preflight_from_an_allowed_origin_is_answered(
    gateway: RunningGateway, path: str, method: str
) -> None:
    response = await gateway.client.options(path, headers=preflight(WEB_UI, method))

    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == WEB_UI
    assert method in response.headers["Access-Control-Allow-Methods"].split(", ")
    allowed = {
        header.strip().lower() for header in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {header.strip() for header in TUS_REQUEST_HEADERS.split(",")} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) >= 600


async def test_a_preflight_from_a_disallowed_cors_origin_is_refused(gateway: RunningGateway) -> None:
    for path in ("/uploads/", "/interviews"):
        response = await gateway.client.options(path, headers=preflight("https://evil.example", "POST"))

        assert response.status_code == 400
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Disallowed CORS origin" in response.text


async def test_a_disallowed_origin_gets_no_cors_headers_on_a_real_request(gateway: RunningGateway) -> None:
    response = await gateway.client.get(
        "/interviews", headers={"Origin": "https://evil.example", **gateway.auth(f"user-{uuid.uuid4()}")}
    )
    assert response.status_code == 200  # the browser, not the server, withholds it from the page
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_tus_discovery_without_an_origin_still_works(gateway: RunningGateway) -> None:
    response = await gateway.client.options("/uploads/")

    assert response.status_code == 204
    assert (response.headers["Tus-Resumable"], response.headers["Tus-Version"]) == ("1.0.0", "1.0.0")
    assert "creation" in response.headers["Tus-Extension"].split(",")
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_a_browser_upload_can_read_the_tus_headers(gateway: RunningGateway) -> None:
    user = f"user-{uuid.uuid4()}"
    headers = {"Origin": WEB_UI, **gateway.auth(user)}
    created = await gateway.client.post("/interviews", json={}, headers=headers)
    interview_id = created.json()["interview_id"]
    assert created.headers["Access-Control-Allow-Origin"] == WEB_UI
    assert "etag" in created.headers["Access-Control-Expose-Headers"].lower()
    recording = wav_bytes(seconds=0.1)

    response = await gateway.client.post(
        "/uploads/",
        headers={
            **headers,
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(recording)),
            "Upload-Metadata": f"interview_id {base64.b64encode(interview_id.encode()).decode()}",
        },
    )

    assert response.status_code == 201, response.text
    assert response.headers["Access-Control-Allow-Origin"] == WEB_UI
    exposed = {
        header.strip().lower() for header in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert exposed >= TUS_EXPOSED_HEADERS
    # tus-js-client's overridePatchMethod: POST with X-HTTP-Method-Override, for proxies that drop PATCH.
    patched = await gateway.client.post(
        response.headers["Location"],
        content=recording,
        headers={
            **headers,
            "Tus-Resumable": "1.0.0",
            "X-HTTP-Method-Override": "PATCH",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert patched.status_code == 204, patched.text
    assert patched.headers["Upload-Offset"] == str(len(recording))
    assert patched.headers["Access-Control-Allow-Origin"] == WEB_UI
