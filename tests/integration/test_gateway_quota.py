"""The per-user quota (recordings and bytes), at tus creation and on the plain upload route."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import psycopg
import pytest

from dev.synthesize import wav_bytes
from tests.integration.gateway_helpers import RunningGateway, gateway_settings, running_gateway

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

RECORDING = wav_bytes(seconds=0.1)  # 3.2 KB
GatewayFactory = Callable[..., AbstractAsyncContextManager[RunningGateway]]


@pytest.fixture
def gateway_with(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> GatewayFactory:
    def start(**quota: int) -> AbstractAsyncContextManager[RunningGateway]:
        settings = gateway_settings(
            tmp_path / "run",
            kafka_bootstrap,
            database_url,
            topic_prefix,
            **quota,
        )
        return running_gateway(settings)

    return start


def tus_headers(gateway: RunningGateway, user: str) -> dict[str, str]:
    return {**gateway.auth(user), "Tus-Resumable": "1.0.0"}


async def create_interview(gateway: RunningGateway, user: str) -> str:
    response = await gateway.client.post("/interviews", json={}, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


async def create_upload(
    gateway: RunningGateway, user: str, interview_id: str, length: int | None = len(RECORDING)
) -> httpx.Response:
    metadata = f"interview_id {base64.b64encode(interview_id.encode()).decode()}"
    sizes = {"Upload-Length": str(length)} if length is not None else {"Upload-Defer-Length": "1"}
    return await gateway.client.post(
        "/uploads/", headers={**tus_headers(gateway, user), "Upload-Metadata": metadata, **sizes}
    )


async def upload_whole(gateway: RunningGateway, user: str, interview_id: str) -> None:
    created = await create_upload(gateway, user, interview_id)
    assert created.status_code == 201, created.text
    patched = await gateway.client.patch(
        created.headers["Location"],
        content=RECORDING,
        headers={
            **tus_headers(gateway, user),
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert patched.status_code == 204, patched.text


def refusal(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "quota_exceeded"
    message: str = response.json()["error"]["message"]
    return message


async def test_quota_exceeded_by_count_at_tus_creation(gateway_with: GatewayFactory, user: str) -> None:
    async with gateway_with(quota_recordings=2) as gateway:
        for _ in range(2):
            await upload_whole(gateway, user, await create_interview(gateway, user))
        third = await create_interview(gateway, user)

        response = await create_upload(gateway, user, third)

        message = refusal(response)
        assert "can keep 2 recordings and already has 2" in message
        assert response.headers["Tus-Resumable"] == "1.0.0"
        # Nothing was reserved: the interview takes a recording once room is made.
        row = await gateway.read_model.get_interview(third, user)
        assert row is not None and row["upload_claimed_at"] is None
        # Another user is not affected.
        other = f"user-{uuid.uuid4()}"
        assert (
            await create_upload(gateway, other, await create_interview(gateway, other))
        ).status_code == 201


async def test_quota_exceeded_by_bytes_at_tus_creation(gateway_with: GatewayFactory, user: str) -> None:
    async with gateway_with(quota_bytes=10 * 1024) as gateway:
        await upload_whole(gateway, user, await create_interview(gateway, user))  # 3,244 bytes used
        interview_id = await create_interview(gateway, user)

        message = refusal(await create_upload(gateway, user, interview_id, length=8 * 1024))

        assert "This recording (8 KB) does not fit in your 10 KB of storage" in message
        assert "you use 3.2 KB, 6.8 KB are free" in message
        assert (await create_upload(gateway, user, interview_id, length=6 * 1024)).status_code == 201


async def test_quota_exceeded_by_bytes_when_a_deferred_length_is_declared(
    gateway_with: GatewayFactory, user: str
) -> None:
    async with gateway_with(quota_bytes=2048) as gateway:
        created = await create_upload(gateway, user, await create_interview(gateway, user), length=None)
        assert created.status_code == 201, created.text

        response = await gateway.client.patch(
            created.headers["Location"],
            content=RECORDING[:1024],
            headers={
                **tus_headers(gateway, user),
                "Upload-Offset": "0",
                "Upload-Length": str(len(RECORDING)),
                "Content-Type": "application/offset+octet-stream",
            },
        )

        assert "does not fit in your 2 KB of storage" in refusal(response)
        head = await gateway.client.head(created.headers["Location"], headers=tus_headers(gateway, user))
        assert (head.headers["Upload-Offset"], head.headers.get("Upload-Defer-Length")) == ("0", "1")


async def test_unfinished_uploads_count_until_they_expire(
    gateway_with: GatewayFactory, user: str, database_url: str
) -> None:
    async with gateway_with(quota_recordings=1) as gateway:
        abandoned = await create_upload(gateway, user, await create_interview(gateway, user))
        assert abandoned.status_code == 201
        second_interview = await create_interview(gateway, user)
        refusal(await create_upload(gateway, user, second_interview))

        upload_id = abandoned.headers["Location"].rsplit("/", 1)[1]
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            await conn.execute(
                "UPDATE tus_uploads SET expires_at = now() - interval '1 second' WHERE upload_id = %s",
                (upload_id,),
            )

        # Not swept yet, but expired: it no longer counts.
        assert (await create_upload(gateway, user, second_interview)).status_code == 201


async def test_quota_exceeded_by_count_on_the_plain_upload_route(
    gateway_with: GatewayFactory, user: str
) -> None:
    async with gateway_with(quota_recordings=1) as gateway:
        first = await create_interview(gateway, user)
        put = await gateway.client.put(
            f"/interviews/{first}/recording", content=RECORDING, headers=gateway.auth(user)
        )
        assert put.status_code == 202, put.text
        second = await create_interview(gateway, user)

        response = await gateway.client.put(
            f"/interviews/{second}/recording", content=RECORDING, headers=gateway.auth(user)
        )

        assert "can keep 1 recordings and already has 1" in refusal(response)
        row = await gateway.read_model.get_interview(second, user)
        assert row is not None and (row["blob_uri"], row["upload_claimed_at"]) == (None, None)


async def test_quota_exceeded_by_bytes_on_the_plain_upload_route(
    gateway_with: GatewayFactory, user: str
) -> None:
    async with gateway_with(quota_bytes=len(RECORDING) + 1000) as gateway:
        first = await create_interview(gateway, user)
        put = await gateway.client.put(
            f"/interviews/{first}/recording", content=RECORDING, headers=gateway.auth(user)
        )
        assert put.status_code == 202, put.text
        second = await create_interview(gateway, user)

        async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: refused as it streams
            yield RECORDING

        for body in (RECORDING, chunked()):
            response = await gateway.client.put(
                f"/interviews/{second}/recording", content=body, headers=gateway.auth(user)
            )
            assert "does not fit in your" in refusal(response)
        recordings = list((gateway.settings.blob_root / "recordings").iterdir())
        assert [path.name for path in recordings] == [f"{first}.wav"]
