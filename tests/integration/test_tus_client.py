"""`ib analyze`'s tus client against the real gateway on uvicorn: an interrupted upload resumes.

The client is synchronous (httpx.Client), so each run goes through a thread while the gateway
serves on this test's event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from dev import client_commands
from dev.synthesize import wav_bytes
from dev.tus_client import ResumeStore, TusClient, resumable_upload, resume_key
from gateway.tus.storage.azure import AzureTusStore
from gateway.tus.storage.local import LocalTusStore
from sinks.blobs.azure import AzureBlobStore
from tests.integration.gateway_helpers import gateway_settings
from tests.integration.test_tus_uploads import Gateway, serve
from topics.admin import delete_prefixed_topics

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

CHUNK = 256 * 1024
#: A WAV header (what the format is judged by) followed by noise: five chunks, the last short.
RECORDING = wav_bytes(seconds=0.05) + os.urandom(1_100_000)


class Interrupted(Exception):
    """Stands for the user's Ctrl-C or a dropped connection between two chunks."""


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[Gateway]:
    settings = gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
    )
    try:
        async with serve(settings) as running:
            yield running
    finally:
        await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "entretien.wav"
    path.write_bytes(RECORDING)
    return path


@pytest.fixture
def store(tmp_path: Path) -> ResumeStore:
    return ResumeStore.under(tmp_path / "client-run")


class Run:
    """One `ib analyze` upload: its own HTTP client, and a record of what it sent."""

    def __init__(self, gateway: Gateway, user: str) -> None:
        self.patches: list[tuple[int, int]] = []  # (Upload-Offset, Content-Length)
        self.created_interviews: list[str] = []
        self.started_at: int | None = None
        self.client = httpx.Client(
            base_url=gateway.url,
            headers=gateway.auth(user),
            timeout=30,
            event_hooks={"request": [self._record]},
        )

    def _record(self, request: httpx.Request) -> None:
        if request.method == "PATCH":
            self.patches.append(
                (int(request.headers["Upload-Offset"]), int(request.headers["Content-Length"]))
            )

    def new_interview(self) -> str:
        response = self.client.post("/interviews", json={"company": "Acme"})
        assert response.status_code == 201, response.text
        self.created_interviews.append(response.json()["interview_id"])
        return self.created_interviews[-1]

    def on_start(self, offset: int, size: int) -> None:
        self.started_at = offset

    def upload(
        self, store: ResumeStore, key: str, path: Path, on_chunk: Callable[[int], None] | None = None
    ) -> str:
        with self.client:
            return resumable_upload(
                TusClient(self.client),
                store,
                key,
                path,
                self.new_interview,
                chunk_bytes=CHUNK,
                on_start=self.on_start,
                on_chunk=on_chunk,
            )


def interrupt_after_first_chunk(offset: int) -> None:
    raise Interrupted(f"stopped at {offset}")


async def test_a_rerun_resumes_where_the_server_stands(
    gateway: Gateway, user: str, recording: Path, store: ResumeStore
) -> None:
    key = resume_key(recording, gateway.url, user)
    first = Run(gateway, user)
    with pytest.raises(Interrupted):
        await asyncio.to_thread(first.upload, store, key, recording, interrupt_after_first_chunk)
    assert first.patches == [(0, CHUNK)]
    entry = store.get(key)
    assert entry is not None
    assert entry.interview_id == first.created_interviews[0]

    second = Run(gateway, user)
    interview_id = await asyncio.to_thread(second.upload, store, key, recording)
    assert interview_id == entry.interview_id
    assert second.created_interviews == []  # the same interview, not a new one
    assert second.started_at == CHUNK  # the server's offset, asked with HEAD
    assert second.patches[0][0] == CHUNK
    assert sum(length for _offset, length in second.patches) == len(RECORDING) - CHUNK
    assert store.get(key) is None  # done: nothing left to resume

    sha256 = hashlib.sha256(RECORDING).hexdigest()
    async with httpx.AsyncClient(base_url=gateway.url, headers=gateway.auth(user)) as client:
        interview = (await client.get(f"/interviews/{interview_id}")).json()
    assert (interview["status"], interview["recording"]["sha256"]) == ("UPLOADED", sha256)
    stored = LocalTusStore(gateway.settings.blob_root).root / "recordings" / f"{interview_id}.wav"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha256


async def test_an_upload_the_server_dropped_starts_afresh(
    gateway: Gateway, user: str, recording: Path, store: ResumeStore
) -> None:
    key = resume_key(recording, gateway.url, user)
    first = Run(gateway, user)
    with pytest.raises(Interrupted):
        await asyncio.to_thread(first.upload, store, key, recording, interrupt_after_first_chunk)
    entry = store.get(key)
    assert entry is not None
    async with httpx.AsyncClient(headers={**gateway.auth(user), "Tus-Resumable": "1.0.0"}) as client:
        assert (await client.delete(entry.upload_url)).status_code == 204  # as the expiry sweeper does

    second = Run(gateway, user)
    interview_id = await asyncio.to_thread(second.upload, store, key, recording)
    assert second.created_interviews == [interview_id] != [entry.interview_id]
    assert second.started_at == 0
    assert sum(length for _offset, length in second.patches) == len(RECORDING)
    assert store.get(key) is None


async def test_ib_analyze_says_where_it_resumes(
    gateway: Gateway, user: str, recording: Path, store: ResumeStore, capsys: pytest.CaptureFixture[str]
) -> None:
    key = resume_key(recording, gateway.url, user)
    with pytest.raises(Interrupted):
        await asyncio.to_thread(Run(gateway, user).upload, store, key, recording, interrupt_after_first_chunk)
    entry = store.get(key)
    assert entry is not None

    second = Run(gateway, user)
    with second.client:
        interview_id = await asyncio.to_thread(
            client_commands._upload, second.client, recording, key, store, second.new_interview
        )
    assert interview_id == entry.interview_id
    assert f"resuming at {100 * CHUNK / len(RECORDING):.0f} %" in capsys.readouterr().err
    assert second.patches == [(CHUNK, len(RECORDING) - CHUNK)]  # the CLI's chunks are 8 MB


@pytest.fixture
async def azure_gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str, azurite_connection_string: str
) -> AsyncIterator[tuple[Gateway, AzureBlobStore]]:
    container = f"tus-client-{uuid.uuid4().hex[:12]}"
    settings = gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
        blob_store="azure",
        azure_storage_connection_string=SecretStr(azurite_connection_string),
        azure_blob_container=container,
    )
    async with AzureBlobStore.from_connection_string(azurite_connection_string, container) as blobs:
        try:
            async with serve(settings) as running:
                yield running, blobs
        finally:
            await delete_prefixed_topics(settings.kafka_bootstrap, settings.topic_prefix)
            await blobs._container.delete_container()


async def test_a_rerun_resumes_into_azure_blob(
    azure_gateway: tuple[Gateway, AzureBlobStore], user: str, recording: Path, store: ResumeStore
) -> None:
    gateway, blobs = azure_gateway
    key = resume_key(recording, gateway.url, user)
    with pytest.raises(Interrupted):
        await asyncio.to_thread(Run(gateway, user).upload, store, key, recording, interrupt_after_first_chunk)
    entry = store.get(key)
    assert entry is not None
    upload_id = entry.upload_url.rsplit("/", 1)[1]
    assert await AzureTusStore(blobs).staged_bytes(user, upload_id) == CHUNK  # staged in Azure, not on disk

    second = Run(gateway, user)
    interview_id = await asyncio.to_thread(second.upload, store, key, recording)
    assert interview_id == entry.interview_id
    assert second.started_at == CHUNK
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    assert row["blob_uri"] == blobs.uri_for_key(AzureTusStore(blobs).key(user, upload_id))
    committed = b"".join([piece async for piece in blobs.read_chunks(row["blob_uri"])])
    assert hashlib.sha256(committed).hexdigest() == row["sha256"] == hashlib.sha256(RECORDING).hexdigest()
    root = gateway.settings.blob_root
    assert not root.exists() or not [path for path in root.rglob("*") if path.is_file()]
