"""What a tus request does to an upload: receive a PATCH body, complete, terminate.

Completion hands over to the same path as the plain upload: the read model's
``record_upload`` with ``interview.uploaded`` published inside its transaction.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.db.uploads import LockedUpload, UploadQueries, UploadRow
from gateway.errors import RecordingAlreadyUploaded, UnsupportedMediaType
from gateway.events import EventPublisher
from gateway.media_types import ALLOWED_FORMATS, M4A, MOV, MP4, SNIFF_BYTES, WAV, WEBM, sniff_media_format
from gateway.metrics import UPLOAD_BYTES, UPLOAD_SECONDS, UPLOADS_COMPLETED
from gateway.settings import Settings
from gateway.tus.errors import UploadTooLarge
from gateway.tus.protocol import UploadChecksum, metadata_text, too_large
from gateway.tus.storage.store import TusStore
from gateway.uploads import clean_filename, internal_read_url
from sinks.blobs.store import BlobStore
from sinks.read_model import ReadModel

#: An upload nobody has written to for this long is swept (refreshed by every PATCH).
EXPIRES_IN = timedelta(hours=24)
_FORMATS_BY_NAME = {media_format.name: media_format for media_format in (MP4, MOV, M4A, WEBM, WAV)}


@dataclass(frozen=True)
class TusServices:
    uploads: UploadQueries
    #: Where uploads are staged: beside the recordings, in the same blob store (see open_stores).
    store: TusStore
    read_model: ReadModel
    publisher: EventPublisher
    settings: Settings
    #: Where finished recordings live (a SAS URL for internal readers comes from it).
    blob_store: BlobStore


async def receive_patch(
    services: TusServices,
    locked: LockedUpload,
    upload: UploadRow,
    body: AsyncIterator[bytes],
    *,
    checksum: UploadChecksum | None,
    content_length: int | None,
) -> UploadRow:
    """Append the body at the upload's offset (``upload`` was read under the lock)."""
    max_bytes = services.settings.max_upload_bytes
    if upload.upload_length is None:
        room, overflow = max_bytes - upload.upload_offset, too_large(max_bytes)
    else:
        room = upload.upload_length - upload.upload_offset
        overflow = UploadTooLarge(
            f"more than Upload-Length {upload.upload_length} sent",
            user_message="More bytes were sent than the upload's Upload-Length declared.",
        )
    if content_length is not None and content_length > room:
        raise overflow
    chunks = aiter(body)
    if upload.upload_offset == 0 and upload.media_format is None:
        head = await _read_head(chunks)
        if head:
            await _check_format(services, locked, upload, head)
            chunks = _prepend(head, chunks)
    bounded = _bounded(chunks, room, overflow)
    store, user_id, upload_id = services.store, upload.user_id, upload.upload_id
    if checksum is not None:
        offset = await store.append_verified(user_id, upload_id, upload.upload_offset, bounded, checksum)
        if offset != upload.upload_offset:
            await locked.set_offset(offset, EXPIRES_IN)
    else:

        async def record_offset(offset: int) -> None:
            await locked.set_offset(offset, EXPIRES_IN)

        await store.append(user_id, upload_id, upload.upload_offset, bounded, record_offset)
    fresh = await locked.reload()
    assert fresh is not None  # the lock keeps other requests from deleting it
    UPLOAD_BYTES.inc(fresh.upload_offset - upload.upload_offset)
    if fresh.upload_length is not None and fresh.upload_offset == fresh.upload_length:
        await complete(services, locked, fresh)
        fresh = await locked.reload()
        assert fresh is not None
    return fresh


async def complete(services: TusServices, locked: LockedUpload, upload: UploadRow) -> None:
    """Record the finished recording on its interview and announce it, as a plain upload does."""
    assert upload.media_format is not None  # judged at the first PATCH
    assert upload.upload_length is not None  # complete: the length is known
    interview = await services.read_model.get_interview(upload.interview_id, upload.user_id)
    if interview is None or interview["blob_uri"] is not None:
        # The claim went stale and another upload finished first, or the interview is gone.
        await terminate(services, locked, upload)
        raise RecordingAlreadyUploaded(f"interview {upload.interview_id} got a recording meanwhile")
    media_format = _FORMATS_BY_NAME[upload.media_format]
    store, user_id, upload_id = services.store, upload.user_id, upload.upload_id
    key = f"recordings/{upload.interview_id}{media_format.extension}"
    completed = await store.complete(user_id, upload_id, key, upload.upload_length)
    filename = metadata_text(_raw_metadata(upload), "filename")
    read_url = internal_read_url(services.blob_store, completed.uri)

    async def announce(row: dict[str, Any]) -> None:
        await services.publisher.publish_uploaded(row, read_url=read_url)

    try:
        await services.read_model.record_upload(
            upload.interview_id,
            user_id,
            {
                "filename": clean_filename(filename, media_format),
                "content_type": media_format.content_type,
                "size_bytes": upload.upload_length,
                "sha256": completed.sha256,
                "blob_uri": completed.uri,
                "duration_seconds": completed.probe.duration_seconds,
                "has_audio": completed.probe.has_audio,
            },
            before_commit=announce,
            stuck_bound=services.settings.stuck_bound,
        )
    except BaseException:
        # Back where it was: a PATCH at the final offset completes it again.
        await store.uncomplete(user_id, upload_id, key)
        raise
    UPLOADS_COMPLETED.inc()
    UPLOAD_SECONDS.observe((datetime.now(UTC) - upload.created_at).total_seconds())
    await locked.mark_completed()
    await store.finished(user_id, upload_id)


async def terminate(services: TusServices, locked: LockedUpload, upload: UploadRow) -> None:
    """Forget the upload: its bytes, its row, and its hold on the interview."""
    await services.store.delete(upload.user_id, upload.upload_id)
    await locked.delete()
    await services.read_model.release_upload_claim(upload.interview_id, upload.user_id)


def _raw_metadata(upload: UploadRow) -> dict[str, bytes | None]:
    return {key: None if value is None else base64.b64decode(value) for key, value in upload.metadata.items()}


async def _check_format(services: TusServices, locked: LockedUpload, upload: UploadRow, head: bytes) -> None:
    media_format = sniff_media_format(head[:SNIFF_BYTES])
    if media_format is None:
        await terminate(services, locked, upload)
        raise UnsupportedMediaType(
            f"unrecognized recording, first bytes {head[:12]!r}",
            user_message=f"This file is not a recording we can read. Upload an {ALLOWED_FORMATS} file. "
            "The upload was cancelled.",
        )
    await locked.set_media_format(media_format.name)


async def _read_head(chunks: AsyncIterator[bytes]) -> bytes:
    head = bytearray()
    async for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return bytes(head)


async def _prepend(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield head
    async for chunk in rest:
        yield chunk


async def _bounded(chunks: AsyncIterator[bytes], room: int, error: UploadTooLarge) -> AsyncIterator[bytes]:
    """The chunks, refusing any byte past the upload's length (or the size limit)."""
    async for chunk in chunks:
        if len(chunk) > room:
            if room:
                yield chunk[:room]
            raise error
        room -= len(chunk)
        yield chunk
