"""Resumable uploads through the official tus client against the gateway on a real uvicorn.

The gateway runs with its real lifespan (PostgreSQL, Kafka) on a free loopback port; tuspy
speaks to it over HTTP with ``requests``, so its blocking calls run in a thread.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.uploader import Uploader

from dev.polling import wait_until_async
from dev.synthesize import wav_bytes
from gateway.auth import DevIssuer
from gateway.db.uploads import UploadQueries
from gateway.main import create_app
from gateway.settings import Settings
from gateway.tus.storage.local import LocalTusStore
from gateway.tus.sweeper import sweep_expired_uploads
from sinks.read_model import ReadModel
from tests.integration.gateway_helpers import gateway_settings, patch_then_vanish, upload_announcement
from topics.admin import delete_prefixed_topics
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

CHUNK = 256 * 1024
#: A WAV header (what the format is judged by) followed by noise: 1.1 MB, five chunks.
RECORDING = wav_bytes(seconds=0.05) + os.urandom(1_100_000)
PDF = b"%PDF-1.7\n" + b"x" * 4000
WAIT_SECONDS = 15.0


@dataclass
class Gateway:
    url: str
    settings: Settings
    issuer: DevIssuer
    read_model: ReadModel

    @property
    def uploads_url(self) -> str:
        return f"{self.url}/uploads/"

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(user)}"}

    def tus(self, user: str) -> TusClient:
        return TusClient(self.uploads_url, headers=self.auth(user))

    def http(self, user: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(headers={**self.auth(user), "Tus-Resumable": "1.0.0"}, timeout=30)


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[Gateway]:
    """The gateway app on uvicorn, on a loopback port the OS picked."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", ws="none", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:

        async def started_or_stopped() -> bool:
            return server.started or task.done()

        await _eventually(started_or_stopped, "uvicorn starting")
        if task.done():
            task.result()
            pytest.fail("the gateway did not start (see its log)")
        yield Gateway(
            url=f"http://127.0.0.1:{port}",
            settings=settings,
            issuer=DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience),
            read_model=app.state.services.read_model,
        )
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Until ``condition`` holds, asked often: the gateway runs in this process."""
    await wait_until_async(condition, WAIT_SECONDS, what, interval=0.02)


@pytest.fixture
def settings(tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str) -> Settings:
    return gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
    )


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[Gateway]:
    try:
        async with serve(settings) as running:
            yield running
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


async def create_interview(gateway: Gateway, user: str) -> str:
    async with gateway.http(user) as client:
        response = await client.post(f"{gateway.url}/interviews", json={"company": "Acme"})
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


def uploader(
    gateway: Gateway, user: str, interview_id: str, data: bytes = RECORDING, **options: Any
) -> Uploader:
    return gateway.tus(user).uploader(
        file_stream=io.BytesIO(data),
        chunk_size=CHUNK,
        metadata={"interview_id": interview_id, "filename": "entretien é.wav", "filetype": "audio/wav"},
        **options,
    )


async def create_upload(gateway: Gateway, user: str, interview_id: str, length: int = len(RECORDING)) -> str:
    async with gateway.http(user) as client:
        response = await client.post(
            gateway.uploads_url,
            headers={"Upload-Length": str(length), "Upload-Metadata": f"interview_id {b64(interview_id)}"},
        )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


async def patch(
    gateway: Gateway, user: str, url: str, offset: int, body: bytes, **headers: str
) -> httpx.Response:
    async with gateway.http(user) as client:
        return await client.patch(
            url,
            content=body,
            headers={
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                **headers,
            },
        )


async def head(gateway: Gateway, user: str, url: str) -> httpx.Response:
    async with gateway.http(user) as client:
        return await client.head(url)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def stored_upload_dirs(gateway: Gateway) -> list[Path]:
    root = gateway.settings.blob_root / "uploads"
    return [path for path in root.glob("*/*") if path.is_dir()] if root.exists() else []


async def assert_recorded(gateway: Gateway, user: str, interview_id: str, data: bytes) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    async with gateway.http(user) as client:
        interview = (await client.get(f"{gateway.url}/interviews/{interview_id}")).json()
    assert interview["status"] == "UPLOADED"
    assert interview["recording"] | {"uploaded_at": None} == {
        "filename": "entretien é.wav",
        "content_type": "audio/wav",
        "size_bytes": len(data),
        "sha256": sha256,
        "uploaded_at": None,
        # The WAV header declares 0.05 s; the noise after it is not part of its data chunk.
        "duration_seconds": 0.05,
        "has_audio": True,
        "duplicate_of": None,
        "deleted_at": None,  # the recording is kept (retention has not removed it)
    }
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    stored = LocalTusStore(gateway.settings.blob_root).root / "recordings" / f"{interview_id}.wav"
    assert row["blob_uri"] == stored.as_uri()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha256
    assert stored_upload_dirs(gateway) == []  # nothing left in the staging area


# --- the protocol's frame ----------------------------------------------------------------


async def test_options_describe_the_server(gateway: Gateway) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.options(gateway.uploads_url)
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Max-Size"] == str(2 * 1024**3)
    assert set(response.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "creation-defer-length",
        "termination",
        "checksum",
        "expiration",
    }
    assert response.headers["Tus-Checksum-Algorithm"] == "sha1,sha256"


async def test_a_wrong_protocol_version_is_412(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    async with httpx.AsyncClient(headers={**gateway.auth(user), "Tus-Resumable": "0.2.2"}) as client:
        response = await client.post(
            gateway.uploads_url,
            headers={"Upload-Length": "10", "Upload-Metadata": f"interview_id {b64(interview_id)}"},
        )
    assert response.status_code == 412
    assert (response.headers["Tus-Resumable"], response.headers["Tus-Version"]) == ("1.0.0", "1.0.0")


async def test_without_a_token_it_is_401(gateway: Gateway) -> None:
    async with httpx.AsyncClient(headers={"Tus-Resumable": "1.0.0"}) as client:
        response = await client.post(gateway.uploads_url, headers={"Upload-Length": "10"})
    assert response.status_code == 401
    assert response.headers["Tus-Resumable"] == "1.0.0"


# --- uploads that go through -------------------------------------------------------------


@pytest.mark.parametrize("upload_checksum", [False, True], ids=["plain", "sha1-checksums"])
async def test_an_upload_in_chunks_is_stored_recorded_and_announced(
    gateway: Gateway, user: str, upload_checksum: bool
) -> None:
    interview_id = await create_interview(gateway, user)
    client = uploader(gateway, user, interview_id, upload_checksum=upload_checksum)
    await asyncio.to_thread(client.upload)
    assert client.offset == len(RECORDING)
    await assert_recorded(gateway, user, interview_id, RECORDING)

    response = await head(gateway, user, client.url)
    assert response.status_code == 200
    assert response.headers["Upload-Offset"] == response.headers["Upload-Length"] == str(len(RECORDING))
    assert response.headers["Cache-Control"] == "no-store"
    record = await upload_announcement(gateway.settings, interview_id)
    event = record.decoded(INTERVIEW_UPLOADED)
    assert (event["user_id"], event["size_bytes"], event["sha256"]) == (
        user,
        len(RECORDING),
        hashlib.sha256(RECORDING).hexdigest(),
    )
    # v2 of the event: the probe's findings; a local recording has no read URL.
    assert (event["duration_seconds"], event["has_audio"], event["read_url"]) == (0.05, True, None)


async def gateway_metrics(gateway: Gateway) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{gateway.url}/metrics")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


async def test_an_upload_shows_in_the_gateways_metrics(gateway: Gateway, user: str) -> None:
    patched = (
        "ib_http_requests_total",
        frozenset({"method": "PATCH", "route": "/uploads/{upload_id}", "status": "204"}.items()),
    )
    completed, uploaded = ("ib_uploads_completed_total", frozenset()), ("ib_upload_bytes_total", frozenset())
    durations = ("ib_upload_seconds_count", frozenset())
    before = await gateway_metrics(gateway)
    interview_id = await create_interview(gateway, user)
    client = uploader(gateway, user, interview_id, upload_checksum=False)
    await asyncio.to_thread(client.upload)

    after = await gateway_metrics(gateway)
    assert after[uploaded] - before.get(uploaded, 0) == len(RECORDING)
    assert after[completed] - before.get(completed, 0) == 1
    assert after[durations] - before.get(durations, 0) == 1
    assert after[patched] - before.get(patched, 0) == -(-len(RECORDING) // CHUNK)


async def test_a_new_client_resumes_where_the_last_one_stopped(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    first = uploader(gateway, user, interview_id)
    await asyncio.to_thread(first.upload, 2 * CHUNK + 1000)  # then the client "dies"
    assert first.url is not None

    second = await asyncio.to_thread(
        gateway.tus(user).uploader, file_stream=io.BytesIO(RECORDING), url=first.url, chunk_size=CHUNK
    )
    assert second.offset == 2 * CHUNK + 1000  # asked with HEAD
    await asyncio.to_thread(second.upload)
    await assert_recorded(gateway, user, interview_id, RECORDING)


async def test_a_cut_connection_keeps_what_arrived(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    sent = 700_000
    await patch_then_vanish(gateway.url, url, gateway.auth(user), RECORDING, sent)

    async def offset_is_recorded() -> bool:
        response = await head(gateway, user, url)
        offset = int(response.headers["Upload-Offset"])
        assert offset <= sent  # never more than was stored
        return offset == sent

    await _eventually(offset_is_recorded, "the cut PATCH's bytes being recorded")
    resumed = await asyncio.to_thread(
        gateway.tus(user).uploader, file_stream=io.BytesIO(RECORDING), url=url, chunk_size=CHUNK
    )
    await asyncio.to_thread(resumed.upload)
    async with gateway.http(user) as client:
        interview = (await client.get(f"{gateway.url}/interviews/{interview_id}")).json()
    assert interview["recording"]["sha256"] == hashlib.sha256(RECORDING).hexdigest()


async def test_creation_with_upload_and_deferred_length(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    first_part = RECORDING[:CHUNK]
    async with gateway.http(user) as client:
        created = await client.post(
            gateway.uploads_url,
            content=first_part,
            headers={
                "Upload-Defer-Length": "1",
                "Upload-Metadata": f"interview_id {b64(interview_id)},filename {b64('entretien é.wav')}",
                "Content-Type": "application/offset+octet-stream",
            },
        )
    assert created.status_code == 201, created.text
    assert created.headers["Upload-Offset"] == str(CHUNK)
    assert "Upload-Expires" in created.headers
    url = created.headers["Location"]
    status = await head(gateway, user, url)
    assert (status.headers["Upload-Offset"], status.headers["Upload-Defer-Length"]) == (str(CHUNK), "1")

    digest = base64.b64encode(hashlib.sha256(RECORDING[CHUNK:]).digest()).decode()
    response = await patch(
        gateway,
        user,
        url,
        CHUNK,
        RECORDING[CHUNK:],
        **{"Upload-Length": str(len(RECORDING)), "Upload-Checksum": f"sha256 {digest}"},
    )
    assert response.status_code == 204, response.text
    assert response.headers["Upload-Offset"] == str(len(RECORDING))
    await assert_recorded(gateway, user, interview_id, RECORDING)


# --- refusals ----------------------------------------------------------------------------


async def test_a_damaged_chunk_is_460_and_discarded(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    wrong = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()
    response = await patch(
        gateway, user, url, CHUNK, RECORDING[CHUNK : 2 * CHUNK], **{"Upload-Checksum": f"sha1 {wrong}"}
    )
    assert response.status_code == 460
    assert response.json()["error"]["code"] == "checksum_mismatch"
    assert (await head(gateway, user, url)).headers["Upload-Offset"] == str(CHUNK)
    data = next(path for path in stored_upload_dirs(gateway)) / "data"
    assert data.stat().st_size == CHUNK


async def test_a_wrong_offset_is_409(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    for offset in (0, CHUNK + 1):
        response = await patch(gateway, user, url, offset, RECORDING[offset : offset + 10])
        assert response.status_code == 409
        assert response.headers["Tus-Resumable"] == "1.0.0"
    assert (await head(gateway, user, url)).headers["Upload-Offset"] == str(CHUNK)


async def test_not_a_recording_is_415_at_the_first_patch(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    client = uploader(gateway, user, interview_id, data=PDF)
    with pytest.raises(TusCommunicationError) as raised:
        await asyncio.to_thread(client.upload)
    assert raised.value.status_code == 415
    assert b"MP4, MOV, WebM, M4A or WAV" in raised.value.response_content
    assert (await head(gateway, user, client.url)).status_code == 404  # terminated
    assert stored_upload_dirs(gateway) == []
    # The interview is free again for the right file.
    await asyncio.to_thread(uploader(gateway, user, interview_id).upload)
    await assert_recorded(gateway, user, interview_id, RECORDING)


async def test_over_2_gb_is_413_at_creation(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    async with gateway.http(user) as client:
        response = await client.post(
            gateway.uploads_url,
            headers={
                "Upload-Length": str(2 * 1024**3 + 1),
                "Upload-Metadata": f"interview_id {b64(interview_id)}",
            },
        )
    assert response.status_code == 413
    assert "2 GB" in response.json()["error"]["message"]
    assert stored_upload_dirs(gateway) == []


async def test_more_bytes_than_declared_is_413(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=CHUNK)
    response = await patch(gateway, user, url, 0, RECORDING[: CHUNK + 10])
    assert response.status_code == 413
    assert "Upload-Length" in response.json()["error"]["message"]


async def test_termination_deletes_the_bytes_and_frees_the_interview(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    assert len(stored_upload_dirs(gateway)) == 1
    async with gateway.http(user) as client:
        response = await client.delete(url)
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert (await head(gateway, user, url)).status_code == 404
    assert stored_upload_dirs(gateway) == []
    await create_upload(gateway, user, interview_id)  # not "already has a recording"


async def test_another_users_upload_and_interview_are_404(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    intruder = f"user-{uuid.uuid4()}"
    assert (await head(gateway, intruder, url)).status_code == 404
    assert (await patch(gateway, intruder, url, 0, RECORDING[:CHUNK])).status_code == 404
    async with gateway.http(intruder) as client:
        assert (await client.delete(url)).status_code == 404
        created = await client.post(
            gateway.uploads_url,
            headers={"Upload-Length": "100", "Upload-Metadata": f"interview_id {b64(interview_id)}"},
        )
    assert created.status_code == 404
    assert created.json()["error"]["code"] == "interview_not_found"
    assert (await head(gateway, user, url)).headers["Upload-Offset"] == "0"


async def test_a_second_concurrent_patch_is_locked_out(
    gateway: Gateway, user: str, database_url: str
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id)
    _reader, writer = await asyncio.open_connection("127.0.0.1", httpx.URL(gateway.url).port)
    writer.write(
        (
            f"PATCH {httpx.URL(url).path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: {gateway.auth(user)['Authorization']}\r\n"
            "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
            f"Content-Length: {len(RECORDING)}\r\n\r\n"
        ).encode()
        + RECORDING[:CHUNK]
    )
    await writer.drain()
    try:
        upload_id = url.rsplit("/", 1)[1]
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:

            async def first_patch_holds_the_lock() -> bool:
                cursor = await conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND ((classid::bigint << 32) | objid::bigint)"
                    "     = hashtextextended('tus-upload:' || %s, 0)",
                    (upload_id,),
                )
                row = await cursor.fetchone()
                return row is not None and row[0] == 1

            await _eventually(first_patch_holds_the_lock, "the first PATCH taking the upload's lock")
        response = await patch(gateway, user, url, 0, RECORDING[:CHUNK])
        assert response.status_code == 423
        assert response.json()["error"]["code"] == "upload_locked"
    finally:
        writer.close()
        await writer.wait_closed()


async def test_the_offset_survives_a_gateway_restart(settings: Settings, user: str) -> None:
    try:
        async with serve(settings) as first:
            interview_id = await create_interview(first, user)
            client = uploader(first, user, interview_id)
            await asyncio.to_thread(client.upload, 3 * CHUNK)
            assert client.url is not None
            path = httpx.URL(client.url).path
        async with serve(settings) as second:
            url = f"{second.url}{path}"  # the new process listens on another port
            assert (await head(second, user, url)).headers["Upload-Offset"] == str(3 * CHUNK)
            resumed = await asyncio.to_thread(
                second.tus(user).uploader, file_stream=io.BytesIO(RECORDING), url=url, chunk_size=CHUNK
            )
            await asyncio.to_thread(resumed.upload)
            await assert_recorded(second, user, interview_id, RECORDING)
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


async def test_the_sweeper_removes_expired_uploads(gateway: Gateway, user: str, database_url: str) -> None:
    interview_id = await create_interview(gateway, user)
    expired_url = await create_upload(gateway, user, interview_id)
    assert (await patch(gateway, user, expired_url, 0, RECORDING[:CHUNK])).status_code == 204
    other_interview = await create_interview(gateway, user)
    fresh_url = await create_upload(gateway, user, other_interview)
    expired_id = expired_url.rsplit("/", 1)[1]
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "UPDATE tus_uploads SET expires_at = now() - interval '1 minute' WHERE upload_id = %s",
            (expired_id,),
        )
    assert (await head(gateway, user, expired_url)).status_code == 410

    uploads = UploadQueries(gateway.read_model)
    store = LocalTusStore(gateway.settings.blob_root)
    swept = await sweep_expired_uploads(
        uploads, store, gateway.read_model, datetime.now(UTC) + timedelta(seconds=1)
    )
    assert expired_id in swept
    assert fresh_url.rsplit("/", 1)[1] not in swept
    assert (await head(gateway, user, expired_url)).status_code == 404
    assert (await head(gateway, user, fresh_url)).status_code == 200
    assert [path.name for path in stored_upload_dirs(gateway)] == [fresh_url.rsplit("/", 1)[1]]
    await create_upload(gateway, user, interview_id)  # the interview is free again


async def test_the_gateway_sweeps_expired_uploads_while_it_runs(
    settings: Settings, user: str, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.sweeps")
    fast = settings.model_copy(update={"upload_sweep_seconds": 0.05})
    try:
        async with serve(fast) as gateway:
            interview_id = await create_interview(gateway, user)
            url = await create_upload(gateway, user, interview_id)
            assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
            upload_id = url.rsplit("/", 1)[1]
            assert [path.name for path in stored_upload_dirs(gateway)] == [upload_id]
            async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
                await conn.execute(
                    "UPDATE tus_uploads SET expires_at = now() - interval '1 minute' WHERE upload_id = %s",
                    (upload_id,),
                )

            async def swept() -> bool:
                return (await head(gateway, user, url)).status_code == 404 and not stored_upload_dirs(gateway)

            async def sweep_logged() -> bool:
                return upload_id in caplog.text

            await _eventually(swept, "the sweeper removing the expired upload")
            await _eventually(sweep_logged, "the sweep being logged")
            await create_upload(gateway, user, interview_id)  # the interview is free again
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)
