"""The recording of an interview: one streamed upload per interview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from gateway.deps import BlobStoreDep, CurrentUser, PublisherDep, ReadModelDep, SettingsDep, answers_for_user
from gateway.errors import (
    BrokerUnavailable,
    EmptyRecording,
    GatewayError,
    InterviewNotFound,
    QuotaExceeded,
    RecordingAlreadyUploaded,
    RecordingTooLarge,
    UnsupportedMediaType,
)
from gateway.media_types import ALLOWED_FORMATS
from gateway.models.interviews import InterviewPublic
from gateway.params import Id
from gateway.probe import probe_blob
from gateway.quota import QuotaLimits, QuotaUsage, check_room, storage_exceeded
from gateway.routes.interviews import load_interview
from gateway.uploads import (
    clean_filename,
    declared_length,
    internal_read_url,
    receive_recording,
    recording_too_large,
)
from sinks.errors import BlobStoreError
from topics.errors import SchemaRegistryError

router = APIRouter(prefix="/interviews", tags=["recordings"])

_UPLOAD_DOC = f"""Upload the interview's recording as the raw request body ({ALLOWED_FORMATS}, up to 2 GB).

The format is judged by the file's first bytes, not by its name or Content-Type. Send the
file's name in `X-Filename` (URL-encode names that are not ASCII). The body is streamed to
storage, never held in memory. A recording past the account's quota (number of recordings
and total size) is refused with 403; send `Content-Length` so that happens before any byte
is sent.

A file the account already uploaded (same SHA-256) is not analysed twice while its first
analysis is completed or under way: the interview's `recording.duplicate_of` names the earlier
interview, and its status, transcript and analysis are that one's. When the earlier analysis
failed, or is stuck (by default no progress for 5 minutes or 3 × the recording's duration,
whichever is longer: `IB_STUCK_MIN_SECONDS`, `IB_STUCK_DURATION_FACTOR`), or the earlier
interview or its recording was deleted, the upload starts an analysis of its own: uploading
the file again is how to retry a failed one.
"""


@router.put(
    "/{interview_id}/recording",
    status_code=202,
    response_model=InterviewPublic,
    description=_UPLOAD_DOC,
    responses=answers_for_user(
        EmptyRecording,
        QuotaExceeded,
        InterviewNotFound,
        RecordingAlreadyUploaded,
        RecordingTooLarge,
        UnsupportedMediaType,
        BlobStoreError,
        BrokerUnavailable,
        SchemaRegistryError,
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_recording(
    interview_id: Id,
    request: Request,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
    blob_store: BlobStoreDep,
    settings: SettingsDep,
    x_filename: Annotated[str | None, Header()] = None,
) -> InterviewPublic:
    # Before a byte is stored: while no broker answers, the upload could not be announced.
    await publisher.ensure_reachable()
    content_length = declared_length(request)
    limits = QuotaLimits.from_settings(settings)
    recordings, used_bytes = await read_model.recording_usage(user.user_id)
    usage = QuotaUsage(recordings=recordings, bytes=used_bytes)
    check_room(usage, limits, content_length)
    free = limits.bytes_free(usage)
    max_bytes = settings.max_upload_bytes if free is None else min(settings.max_upload_bytes, free)

    def over_limit(limit: int) -> GatewayError:
        if limits.bytes is not None and limit < settings.max_upload_bytes:
            return storage_exceeded(usage, limits.bytes)
        return recording_too_large(limit)

    claim = await read_model.claim_upload(interview_id, user.user_id)
    if claim == "missing":
        raise InterviewNotFound(f"interview {interview_id} not found for user {user.user_id}")
    if claim == "taken":
        raise RecordingAlreadyUploaded(f"interview {interview_id} already has a recording")
    stored_uri: str | None = None
    try:
        received = await receive_recording(
            request.stream(),
            blob_store=blob_store,
            interview_id=interview_id,
            max_bytes=max_bytes,
            declared_length=content_length,
            over_limit=over_limit,
        )
        stored_uri = received.blob.uri
        probe = await probe_blob(blob_store, stored_uri, received.blob.size)
        read_url = internal_read_url(blob_store, stored_uri)

        async def announce(row: dict[str, Any]) -> None:
            await publisher.publish_uploaded(row, read_url=read_url)

        await read_model.record_upload(
            interview_id,
            user.user_id,
            {
                "filename": clean_filename(x_filename, received.media_format),
                "content_type": received.media_format.content_type,
                "size_bytes": received.blob.size,
                "sha256": received.blob.sha256,
                "blob_uri": received.blob.uri,
                "duration_seconds": probe.duration_seconds,
                "has_audio": probe.has_audio,
            },
            before_commit=announce,
            stuck_bound=settings.stuck_bound,
        )
    except BaseException:
        # Nothing half-done stays behind: the user can simply upload again.
        if stored_uri is not None:
            await blob_store.delete(stored_uri)
        await read_model.release_upload_claim(interview_id, user.user_id)
        raise
    return InterviewPublic.from_row(await load_interview(read_model, interview_id, user.user_id))
