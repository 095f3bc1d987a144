"""Receiving a recording: check its first bytes and its size while it streams to the store.

The body is never held in memory; a refused recording leaves nothing behind because the
blob store drops its temp file when the stream raises.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote

from starlette.requests import Request

from gateway.errors import EmptyRecording, GatewayError, RecordingTooLarge, UnsupportedMediaType
from gateway.media_types import ALLOWED_FORMATS, SNIFF_BYTES, MediaFormat, sniff_media_format
from sinks.blobs.store import BlobStore, StoredBlob
from sinks.errors import BlobStoreError

log = logging.getLogger(__name__)

MAX_FILENAME_CHARS = 255


@dataclass(frozen=True)
class ReceivedRecording:
    blob: StoredBlob
    media_format: MediaFormat


def recording_too_large(max_bytes: int) -> RecordingTooLarge:
    limit = f"{max_bytes / 1024**3:.0f} GB" if max_bytes >= 1024**3 else f"{max_bytes} bytes"
    return RecordingTooLarge(
        f"recording over {max_bytes} bytes",
        user_message=f"The recording is larger than {limit}. Trim it or export it at a lower bitrate.",
    )


def declared_length(request: Request) -> int | None:
    """The body's size as the client declared it (``Content-Length``), when it did.

    Read from the request, not declared as a parameter: it frames the request, so the API's
    description leaves it to HTTP."""
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def clean_filename(raw: str | None, media_format: MediaFormat) -> str:
    """The user's file name without any directory part; ``X-Filename`` may be URL-encoded."""
    name = PurePath(unquote(raw or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())[:MAX_FILENAME_CHARS]
    return name or f"recording{media_format.extension}"


async def receive_recording(
    chunks: AsyncIterator[bytes],
    *,
    blob_store: BlobStore,
    interview_id: str,
    max_bytes: int,
    declared_length: int | None = None,
    over_limit: Callable[[int], GatewayError] = recording_too_large,
) -> ReceivedRecording:
    """Stream the body to the store; past ``max_bytes`` it raises ``over_limit(max_bytes)``
    (the size limit by default; the route passes the quota's refusal when that is nearer)."""
    if declared_length is not None and declared_length > max_bytes:
        raise over_limit(max_bytes)
    iterator = aiter(chunks)
    head = bytearray()
    async for chunk in iterator:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if not head:
        raise EmptyRecording("empty upload body")
    media_format = sniff_media_format(bytes(head[:SNIFF_BYTES]))
    if media_format is None:
        raise UnsupportedMediaType(
            f"unrecognized recording, first bytes {bytes(head[:12])!r}",
            user_message=f"This file is not a recording we can read. Upload an {ALLOWED_FORMATS} file.",
        )

    async def checked_chunks() -> AsyncIterator[bytes]:
        size = len(head)
        if size > max_bytes:
            raise over_limit(max_bytes)
        yield bytes(head)
        async for chunk in iterator:
            size += len(chunk)
            if size > max_bytes:
                raise over_limit(max_bytes)
            yield chunk

    blob = await blob_store.write_stream(
        f"recordings/{interview_id}{media_format.extension}", checked_chunks()
    )
    return ReceivedRecording(blob=blob, media_format=media_format)


def internal_read_url(blob_store: BlobStore, uri: str) -> str | None:
    """A read-only URL valid for 24 hours, for ``interview.uploaded`` (internal readers only: no
    route ever returns it); None when the store has no such URLs (a local file) or cannot sign."""
    try:
        return blob_store.read_url(uri)
    except BlobStoreError as exc:
        # The workers then read with their own credentials.
        log.warning("no read URL for a recording: %s", exc)
        return None
