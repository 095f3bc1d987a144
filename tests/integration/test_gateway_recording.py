"""Uploading recordings through the real gateway: storage, the read model and Kafka."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dev.synthesize import make_video_only, wav_bytes
from dev.topic_records import collect_until
from sinks.blobs.local import LocalBlobStore
from tests.integration.gateway_helpers import (
    RunningGateway,
    analysis_event,
    gateway_settings,
    running_gateway,
    segment_event,
    state_event,
    upload_announcement,
)
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

#: Small, so a refused "too large" upload costs a few hundred kilobytes, not 2 GB.
MAX_UPLOAD_BYTES = 256 * 1024
WAV = wav_bytes()


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(
        tmp_path / "run", kafka_bootstrap, database_url, topic_prefix, max_upload_bytes=MAX_UPLOAD_BYTES
    )
    async with running_gateway(settings) as running:
        yield running


async def create_interview(gateway: RunningGateway, user: str) -> str:
    response = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


async def upload(
    gateway: RunningGateway,
    user: str,
    interview_id: str,
    body: Any,
    filename: str = "mock interview.wav",
    **headers: str,
) -> Any:
    return await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=body,
        headers={**gateway.auth(user), "Content-Type": "audio/wav", "X-Filename": quote(filename), **headers},
    )


def stored_files(gateway: RunningGateway) -> list[Path]:
    root = gateway.settings.blob_root
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


async def test_an_upload_is_stored_recorded_and_announced(gateway: RunningGateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    response = await upload(gateway, user, interview_id, WAV, filename="entretien é.wav")
    assert response.status_code == 202, response.text
    body = response.json()
    sha256 = hashlib.sha256(WAV).hexdigest()
    assert body["status"] == "UPLOADED"
    assert body["recording"] | {"uploaded_at": None} == {
        "filename": "entretien é.wav",
        "content_type": "audio/wav",
        "size_bytes": len(WAV),
        "sha256": sha256,
        "uploaded_at": None,
        "duration_seconds": 0.5,
        "has_audio": True,
        "duplicate_of": None,
        "deleted_at": None,
    }

    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    assert (row["size_bytes"], row["sha256"], row["status"], row["percent"]) == (
        len(WAV),
        sha256,
        "UPLOADED",
        0,
    )
    blob_path = LocalBlobStore(gateway.settings.blob_root).local_path(row["blob_uri"])
    assert hashlib.sha256(blob_path.read_bytes()).hexdigest() == sha256
    assert stored_files(gateway) == [blob_path]  # no temp file left behind

    record = await upload_announcement(gateway.settings, interview_id)
    event = record.decoded(INTERVIEW_UPLOADED)
    assert event | {"uploaded_at": None} == {
        "interview_id": interview_id,
        "user_id": user,
        "blob_uri": row["blob_uri"],
        "filename": "entretien é.wav",
        "content_type": "audio/wav",
        "size_bytes": len(WAV),
        "sha256": sha256,
        "uploaded_at": None,
        "duration_seconds": 0.5,
        "has_audio": True,
        "read_url": None,  # a local recording: the worker opens the file itself
        "run": 0,  # the first analysis of this recording
    }
    assert event["uploaded_at"] == row["uploaded_at"]


async def test_a_second_upload_is_refused_and_the_first_kept(gateway: RunningGateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    assert (await upload(gateway, user, interview_id, WAV)).status_code == 202
    other = wav_bytes(seconds=0.25)
    response = await upload(gateway, user, interview_id, other)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "recording_already_uploaded"
    assert "already has a recording" in response.json()["error"]["message"]
    row = await gateway.read_model.get_interview(interview_id, user)
    assert row is not None
    assert row["sha256"] == hashlib.sha256(WAV).hexdigest()
    assert len(stored_files(gateway)) == 1


async def _oversized_stream() -> AsyncIterator[bytes]:
    yield WAV
    for _ in range(MAX_UPLOAD_BYTES // len(WAV) + 1):
        yield b"\x00" * len(WAV)


@pytest.mark.parametrize(
    ("body", "headers", "status", "code", "message"),
    [
        (b"", {}, 400, "empty_recording", "The upload was empty"),
        (b"%PDF-1.7\n" + b"x" * 4000, {}, 415, "unsupported_media_type", "MP4, MOV, WebM, M4A or WAV"),
        # MP3 is audio, but not one of the containers the pipeline takes.
        (b"ID3\x04" + b"\xff" * 4000, {}, 415, "unsupported_media_type", "not a recording we can read"),
        (WAV + b"\x00" * MAX_UPLOAD_BYTES, {}, 413, "recording_too_large", "larger than"),
        (_oversized_stream, {}, 413, "recording_too_large", "larger than"),  # chunked: no Content-Length
    ],
    ids=["empty", "pdf", "mp3", "declared-too-large", "streamed-too-large"],
)
async def test_refused_uploads_say_why_and_keep_nothing(
    gateway: RunningGateway,
    user: str,
    body: Any,
    headers: dict[str, str],
    status: int,
    code: str,
    message: str,
) -> None:
    interview_id = await create_interview(gateway, user)
    response = await upload(gateway, user, interview_id, body() if callable(body) else body, **headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert message in response.json()["error"]["message"]
    assert stored_files(gateway) == []
    interview = (await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))).json()
    assert (interview["status"], interview["recording"]) == ("CREATED", None)
    # Nothing half-done blocks the user: the right file goes through afterwards.
    assert (await upload(gateway, user, interview_id, WAV)).status_code == 202


async def test_the_format_is_judged_by_the_bytes_not_the_name(gateway: RunningGateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    response = await upload(
        gateway, user, interview_id, WAV, filename="notes.pdf", **{"Content-Type": "application/pdf"}
    )
    assert response.status_code == 202, response.text
    assert response.json()["recording"]["content_type"] == "audio/wav"


async def test_uploading_to_an_unknown_interview_is_404(gateway: RunningGateway, user: str) -> None:
    response = await upload(gateway, user, str(uuid.uuid4()), WAV)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "interview_not_found"
    assert stored_files(gateway) == []


async def test_an_upload_without_a_token_is_401(gateway: RunningGateway, user: str) -> None:
    interview_id = await create_interview(gateway, user)
    response = await gateway.client.put(f"/interviews/{interview_id}/recording", content=WAV)
    assert response.status_code == 401
    assert stored_files(gateway) == []


# --- what the gateway probes at completion ----------------------------------------------


async def test_a_video_without_sound_is_accepted_and_probed(
    gateway: RunningGateway, user: str, tmp_path: Path
) -> None:
    video = make_video_only(tmp_path / "screen.mp4", seconds=2.0).read_bytes()
    interview_id = await create_interview(gateway, user)
    response = await upload(gateway, user, interview_id, video, filename="screen.mp4")
    assert response.status_code == 202, response.text
    recording = response.json()["recording"]
    assert (recording["content_type"], recording["has_audio"]) == ("video/mp4", False)
    assert recording["duration_seconds"] == pytest.approx(2.0, abs=0.2)


async def test_a_container_that_cannot_be_opened_is_accepted_with_nulls(
    gateway: RunningGateway, user: str
) -> None:
    damaged = b"RIFF\x24\x00\x00\x00WAVE" + b"\x00garbage" * 100
    interview_id = await create_interview(gateway, user)
    response = await upload(gateway, user, interview_id, damaged)
    assert response.status_code == 202, response.text
    recording = response.json()["recording"]
    assert (recording["duration_seconds"], recording["has_audio"]) == (None, None)


# --- the same file twice ------------------------------------------------------------------


async def test_the_same_file_twice_is_linked_not_processed_again(gateway: RunningGateway, user: str) -> None:
    first = await create_interview(gateway, user)
    assert (await upload(gateway, user, first, WAV)).status_code == 202
    second = await create_interview(gateway, user)
    response = await upload(gateway, user, second, WAV, filename="again.wav")
    assert response.status_code == 202, response.text
    assert response.json()["recording"]["duplicate_of"] == first
    other_user = f"user-{uuid.uuid4()}"
    theirs = await create_interview(gateway, other_user)
    response = await upload(gateway, other_user, theirs, WAV)
    assert response.json()["recording"]["duplicate_of"] is None  # another user's file is their own

    # The duplicate's event, had there been one, was sent before the other user's upload.
    expected = {first.encode(), theirs.encode()}
    records = await collect_until(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        gateway.settings.topic_prefix,
        lambda seen: expected <= {record.key for record in seen},
        timeout=30,
    )
    assert sorted(record.key for record in records) == sorted(expected)

    # The duplicate shows the original's progress and results, under its own id.
    await gateway.read_model.upsert_state(state_event(first, user, "COMPLETED", 3, 100.0))
    await gateway.read_model.upsert_segments([segment_event(first, user, 0, "hello there", final=True)])
    await gateway.read_model.upsert_analysis(analysis_event(first, user, overall=77.0))
    headers = gateway.auth(user)
    interview = (await gateway.client.get(f"/interviews/{second}", headers=headers)).json()
    assert (interview["status"], interview["percent"]) == ("COMPLETED", 100.0)
    transcript = (await gateway.client.get(f"/interviews/{second}/transcript", headers=headers)).json()
    assert (transcript["interview_id"], transcript["text"]) == (second, "hello there")
    analysis = (await gateway.client.get(f"/interviews/{second}/analysis", headers=headers)).json()
    assert (analysis["interview_id"], analysis["overall_score"]) == (second, 77.0)
    theirs_now = (await gateway.client.get(f"/interviews/{theirs}", headers=gateway.auth(other_user))).json()
    assert theirs_now["status"] == "UPLOADED"  # untouched by the first user's results
