"""tus uploads staged straight into Azure Blob (Azurite): blocks by offset, committed at completion.

The gateway runs on a real uvicorn with its real lifespan (PostgreSQL, Kafka) and
``IB_BLOB_STORE=azure`` on Azurite, a container per test; tuspy and raw HTTP drive it, and
the tests look into the container with the SDK (block lists, committed bytes).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import psycopg
import pytest
from pydantic import SecretStr

from dev.synthesize import wav_bytes
from gateway.db.uploads import UploadQueries
from gateway.settings import Settings
from gateway.tus.storage.azure import AzureTusStore
from gateway.tus.storage.digests import running_digests
from gateway.tus.storage.factory import open_stores
from gateway.tus.sweeper import sweep_expired_uploads
from sinks.blobs.azure import AzureBlobStore, block_id
from sinks.blobs.local import LocalBlobStore
from sinks.blobs.recordings import open_recording, recording_exists
from tests.integration.gateway_helpers import gateway_settings, patch_then_vanish, upload_announcement
from tests.integration.test_tus_uploads import (
    CHUNK,
    Gateway,
    _eventually,
    b64,
    create_interview,
    create_upload,
    head,
    patch,
    serve,
    uploader,
)
from topics.admin import delete_prefixed_topics
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

#: A WAV header declaring 0.05 s, then noise: 1.1 MB, five 256 KiB PATCHes.
RECORDING = wav_bytes(seconds=0.05) + os.urandom(1_100_000)


@pytest.fixture
def container() -> str:
    return f"tus-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    topic_prefix: str,
    azurite_connection_string: str,
    container: str,
) -> Settings:
    return gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
        blob_store="azure",
        azure_storage_connection_string=SecretStr(azurite_connection_string),
        azure_blob_container=container,
    )


@pytest.fixture
async def blobs(azurite_connection_string: str, container: str) -> AsyncIterator[AzureBlobStore]:
    """The test's own client on the gateway's container, to look at what Azure holds."""
    async with AzureBlobStore.from_connection_string(azurite_connection_string, container) as store:
        try:
            yield store
        finally:
            await store._container.delete_container()


@pytest.fixture
async def gateway(settings: Settings, blobs: AzureBlobStore) -> AsyncIterator[Gateway]:
    try:
        async with serve(settings) as running:
            yield running
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


def upload_id_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


async def recorded(gateway: Gateway, user: str, interview_id: str) -> dict[str, object]:
    async with gateway.http(user) as client:
        response = await client.get(f"{gateway.url}/interviews/{interview_id}")
    assert response.status_code == 200, response.text
    assert "sig=" not in response.text and "blob.core" not in response.text and ":10000" not in response.text
    interview: dict[str, object] = response.json()
    return interview


async def committed_bytes(blobs: AzureBlobStore, uri: str) -> bytes:
    return b"".join([piece async for piece in blobs.read_chunks(uri)])


async def test_patches_land_as_committed_blocks_and_the_event_carries_probe_and_read_url(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    client = uploader(gateway, user, interview_id, data=RECORDING)
    await asyncio.to_thread(client.upload)
    assert client.url is not None
    upload_id = upload_id_of(client.url)

    interview = await recorded(gateway, user, interview_id)
    sha256 = hashlib.sha256(RECORDING).hexdigest()
    assert interview["status"] == "UPLOADED"
    recording = interview["recording"]
    assert isinstance(recording, dict)
    assert (recording["size_bytes"], recording["sha256"]) == (len(RECORDING), sha256)
    assert (recording["duration_seconds"], recording["has_audio"]) == (0.05, True)  # probed over a SAS URL

    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    key = AzureTusStore(blobs).key(user, upload_id)
    assert row["blob_uri"] == blobs.uri_for_key(key)
    blob = blobs._blob_for_key(key)
    committed, uncommitted = await blob.get_block_list("all")
    # One block per PATCH (each is smaller than a block), named by the offset it starts at.
    starts = list(range(0, len(RECORDING), CHUNK))
    assert [block.id for block in committed] == [block_id(start) for start in starts]
    assert not uncommitted
    properties = await blob.get_blob_properties()
    assert (properties.size, properties.metadata["sha256"]) == (len(RECORDING), sha256)
    assert hashlib.sha256(await committed_bytes(blobs, row["blob_uri"])).hexdigest() == sha256
    assert files_under(gateway.settings.blob_root) == []  # nothing of it on the gateway's disk

    record = await upload_announcement(gateway.settings, interview_id)
    event = record.decoded(INTERVIEW_UPLOADED)
    assert (event["duration_seconds"], event["has_audio"], event["sha256"]) == (0.05, True, sha256)
    assert event["blob_uri"] == row["blob_uri"]
    read_url = event["read_url"]
    assert read_url is not None and read_url.startswith(row["blob_uri"] + "?")
    query = parse_qs(urlparse(read_url).query)
    assert query["sp"] == ["r"]  # read only
    expires = datetime.strptime(query["se"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=24))) < timedelta(minutes=5)

    # The worker's side: with the SAS alone (a store with no Azure credentials) it reads the bytes.
    no_credentials = LocalBlobStore(gateway.settings.blob_root)
    assert await recording_exists(no_credentials, row["blob_uri"], read_url)
    async with open_recording(no_credentials, row["blob_uri"], read_url) as path:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256


async def test_a_patch_cut_mid_body_resumes_and_head_never_says_more_than_azure_holds(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=len(RECORDING))
    upload_id = upload_id_of(url)
    tus_store = AzureTusStore(blobs)
    sent = 700_000
    await patch_then_vanish(gateway.url, url, gateway.auth(user), RECORDING, sent)

    async def offset_is_recorded() -> bool:
        offset = int((await head(gateway, user, url)).headers["Upload-Offset"])
        assert offset <= await tus_store.staged_bytes(user, upload_id)  # never ahead of Azure
        return offset == sent

    await _eventually(offset_is_recorded, "the cut PATCH's bytes being recorded")
    _committed, uncommitted = await blobs._blob_for_key(tus_store.key(user, upload_id)).get_block_list("all")
    assert sum(block.size for block in uncommitted) == sent
    assert files_under(gateway.settings.blob_root) == []

    resumed = await asyncio.to_thread(
        gateway.tus(user).uploader, file_stream=io.BytesIO(RECORDING), url=url, chunk_size=CHUNK
    )
    assert resumed.offset == sent
    await asyncio.to_thread(resumed.upload)
    recording = (await recorded(gateway, user, interview_id))["recording"]
    assert isinstance(recording, dict)
    assert recording["sha256"] == hashlib.sha256(RECORDING).hexdigest()
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    assert await committed_bytes(blobs, row["blob_uri"]) == RECORDING


async def test_a_checksum_mismatch_is_460_and_its_bytes_are_never_committed(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=len(RECORDING))
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    # Damaged bytes, of another length than the real chunk, with the real chunk's digest.
    real = RECORDING[CHUNK : 2 * CHUNK]
    digest = base64.b64encode(hashlib.sha256(real).digest()).decode()
    damaged = os.urandom(CHUNK + 12_345)
    response = await patch(gateway, user, url, CHUNK, damaged, **{"Upload-Checksum": f"sha256 {digest}"})
    assert response.status_code == 460
    assert response.json()["error"]["code"] == "checksum_mismatch"
    assert (await head(gateway, user, url)).headers["Upload-Offset"] == str(CHUNK)

    # The rest, checksummed and right, then completion: only acknowledged bytes are committed.
    rest = RECORDING[CHUNK:]
    digest = base64.b64encode(hashlib.sha256(rest).digest()).decode()
    response = await patch(gateway, user, url, CHUNK, rest, **{"Upload-Checksum": f"sha256 {digest}"})
    assert response.status_code == 204, response.text
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    assert await committed_bytes(blobs, row["blob_uri"]) == RECORDING
    recording = (await recorded(gateway, user, interview_id))["recording"]
    assert isinstance(recording, dict)
    assert recording["sha256"] == hashlib.sha256(RECORDING).hexdigest()


async def test_termination_deletes_the_staged_blocks(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=len(RECORDING))
    assert (await patch(gateway, user, url, 0, RECORDING[: 2 * CHUNK])).status_code == 204
    key = AzureTusStore(blobs).key(user, upload_id_of(url))
    assert await blobs.block_sizes(key) == {0: 2 * CHUNK}

    async with gateway.http(user) as client:
        assert (await client.delete(url)).status_code == 204
    assert await blobs.block_sizes(key) == {}
    assert not await blobs._blob_for_key(key).exists()
    assert (await head(gateway, user, url)).status_code == 404


async def test_the_sweeper_deletes_an_expired_uploads_blocks(
    gateway: Gateway, user: str, blobs: AzureBlobStore, database_url: str
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=len(RECORDING))
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    upload_id = upload_id_of(url)
    key = AzureTusStore(blobs).key(user, upload_id)
    assert await blobs.block_sizes(key) == {0: CHUNK}
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "UPDATE tus_uploads SET expires_at = now() - interval '1 minute' WHERE upload_id = %s",
            (upload_id,),
        )
    # The tus store the gateway's lifespan hands its sweeper: the one opened beside its recordings.
    async with AsyncExitStack() as stack:
        _recordings, tus_store = await open_stores(gateway.settings, stack)
        swept = await sweep_expired_uploads(
            UploadQueries(gateway.read_model),
            tus_store,
            gateway.read_model,
            datetime.now(UTC) + timedelta(seconds=1),
        )
    assert upload_id in swept
    assert await blobs.block_sizes(key) == {}


async def test_after_a_restart_the_upload_resumes_and_its_digest_is_read_back(
    settings: Settings, user: str, blobs: AzureBlobStore
) -> None:
    try:
        async with serve(settings) as first:
            interview_id = await create_interview(first, user)
            client = uploader(first, user, interview_id, data=RECORDING)
            await asyncio.to_thread(client.upload, 3 * CHUNK)
            assert client.url is not None
            path = httpx.URL(client.url).path
        # A new process: the running SHA-256 is gone with the old one.
        running_digests.forget((blobs.uri_for_key("uploads"), user, upload_id_of(path)))
        async with serve(settings) as second:
            url = f"{second.url}{path}"
            assert (await head(second, user, url)).headers["Upload-Offset"] == str(3 * CHUNK)
            assert await AzureTusStore(blobs).staged_bytes(user, upload_id_of(path)) == 3 * CHUNK
            resumed = await asyncio.to_thread(
                second.tus(user).uploader, file_stream=io.BytesIO(RECORDING), url=url, chunk_size=CHUNK
            )
            await asyncio.to_thread(resumed.upload)
            recording = (await recorded(second, user, interview_id))["recording"]
            assert isinstance(recording, dict)
            assert recording["sha256"] == hashlib.sha256(RECORDING).hexdigest()
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


async def test_the_plain_upload_route_announces_probe_and_read_url_too(gateway: Gateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    recording = wav_bytes(seconds=0.25)
    async with gateway.http(user) as client:
        response = await client.put(
            f"{gateway.url}/interviews/{interview_id}/recording",
            content=recording,
            headers={"X-Filename": "a.wav"},
        )
    assert response.status_code == 202, response.text
    assert "sig=" not in response.text
    assert (response.json()["recording"]["duration_seconds"], response.json()["recording"]["has_audio"]) == (
        0.25,
        True,
    )
    record = await upload_announcement(gateway.settings, interview_id)
    event = record.decoded(INTERVIEW_UPLOADED)
    assert (event["duration_seconds"], event["has_audio"]) == (0.25, True)
    assert event["read_url"] is not None
    async with httpx.AsyncClient() as http:
        assert (await http.get(event["read_url"])).content == recording


async def test_creation_with_upload_stages_the_first_bytes_at_offset_0(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    async with gateway.http(user) as client:
        created = await client.post(
            gateway.uploads_url,
            content=RECORDING[:CHUNK],
            headers={
                "Upload-Length": str(len(RECORDING)),
                "Upload-Metadata": f"interview_id {b64(interview_id)}",
                "Content-Type": "application/offset+octet-stream",
            },
        )
    assert created.status_code == 201, created.text
    assert created.headers["Upload-Offset"] == str(CHUNK)
    key = AzureTusStore(blobs).key(user, upload_id_of(created.headers["Location"]))
    assert await blobs.block_sizes(key) == {0: CHUNK}


async def test_deleting_the_interview_deletes_its_unfinished_uploads_blocks(
    gateway: Gateway, user: str, blobs: AzureBlobStore
) -> None:
    interview_id = await create_interview(gateway, user)
    url = await create_upload(gateway, user, interview_id, length=len(RECORDING))
    assert (await patch(gateway, user, url, 0, RECORDING[:CHUNK])).status_code == 204
    key = AzureTusStore(blobs).key(user, upload_id_of(url))
    assert await blobs.block_sizes(key) == {0: CHUNK}
    async with gateway.http(user) as client:
        assert (await client.delete(f"{gateway.url}/interviews/{interview_id}")).status_code == 204
    assert await blobs.block_sizes(key) == {}
