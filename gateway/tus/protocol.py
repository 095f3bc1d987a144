"""tus 1.0.0 headers: parsing and checking them, with no I/O (https://tus.io/protocols/resumable-upload)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from gateway.tus.errors import InvalidTusRequest, TusVersionUnsupported, UploadTooLarge

TUS_VERSION = "1.0.0"
EXTENSIONS = (
    "creation",
    "creation-with-upload",
    "creation-defer-length",
    "termination",
    "checksum",
    "expiration",
)
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"

_DIGITS = re.compile(r"[0-9]{1,19}")
_METADATA_KEY = re.compile(r"[^\s,]+")


@dataclass(frozen=True)
class UploadChecksum:
    algorithm: str
    digest: bytes

    def new_hash(self) -> hashlib._Hash:
        return CHECKSUM_ALGORITHMS[self.algorithm]()


def check_version(tus_resumable: str | None) -> None:
    """Every request but OPTIONS must say which protocol version it speaks."""
    if tus_resumable is None:
        raise TusVersionUnsupported("no Tus-Resumable header")
    if tus_resumable.strip() != TUS_VERSION:
        raise TusVersionUnsupported(f"Tus-Resumable {tus_resumable!r}")


def parse_size(name: str, value: str | None) -> int | None:
    """A non-negative integer header (Upload-Offset, Upload-Length); None when absent."""
    if value is None:
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        raise InvalidTusRequest(
            f"{name} {value!r}", user_message=f"{name} must be a non-negative whole number of bytes."
        )
    return int(value)


def parse_metadata(value: str | None) -> dict[str, bytes | None]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs; a key may have no value."""
    if value is None or not value.strip():
        return {}
    metadata: dict[str, bytes | None] = {}
    for pair in value.split(","):
        parts = pair.strip().split(" ")
        key = parts[0]
        if not _METADATA_KEY.fullmatch(key) or len(parts) > 2 or key in metadata:
            raise InvalidTusRequest(
                f"Upload-Metadata pair {pair!r}",
                user_message="Upload-Metadata must be unique 'key base64value' pairs separated by commas.",
            )
        metadata[key] = _b64decode(parts[1], f"Upload-Metadata value of {key!r}") if len(parts) == 2 else None
    return metadata


def encode_metadata(metadata: dict[str, bytes | None]) -> str:
    return ",".join(
        key if raw is None else f"{key} {base64.b64encode(raw).decode('ascii')}"
        for key, raw in metadata.items()
    )


def metadata_text(metadata: dict[str, bytes | None], key: str) -> str | None:
    """A metadata value the gateway reads as text (filename, filetype, interview_id)."""
    raw = metadata.get(key)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidTusRequest(
            f"Upload-Metadata {key!r} is not UTF-8",
            user_message=f"The upload's '{key}' metadata must be UTF-8 text.",
        ) from exc


def parse_checksum(value: str | None) -> UploadChecksum | None:
    """``Upload-Checksum: <algorithm> <base64 digest>``; an algorithm we lack is a 400."""
    if value is None:
        return None
    parts = value.strip().split(" ")
    if len(parts) != 2:
        raise InvalidTusRequest(
            f"Upload-Checksum {value!r}",
            user_message="Upload-Checksum must be '<algorithm> <base64 digest>'.",
        )
    algorithm, encoded = parts[0].lower(), parts[1]
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise InvalidTusRequest(
            f"checksum algorithm {algorithm!r}",
            user_message=f"Upload-Checksum algorithm must be one of: {', '.join(CHECKSUM_ALGORITHMS)}.",
        )
    digest = _b64decode(encoded, "Upload-Checksum digest")
    if len(digest) != CHECKSUM_ALGORITHMS[algorithm]().digest_size:
        raise InvalidTusRequest(
            f"{algorithm} digest of {len(digest)} bytes",
            user_message=f"The Upload-Checksum digest is not a {algorithm} digest.",
        )
    return UploadChecksum(algorithm, digest)


def parse_creation_length(upload_length: str | None, defer_length: str | None, max_bytes: int) -> int | None:
    """The declared length at creation; None when the client defers it."""
    length = parse_size("Upload-Length", upload_length)
    if defer_length is not None:
        if defer_length.strip() != "1" or length is not None:
            raise InvalidTusRequest(
                "bad Upload-Defer-Length",
                user_message="Send either Upload-Length or 'Upload-Defer-Length: 1', not both.",
            )
        return None
    if length is None:
        raise InvalidTusRequest(
            "no Upload-Length", user_message="Send the file's size in Upload-Length (or defer it)."
        )
    check_size(length, max_bytes)
    return length


def check_size(length: int, max_bytes: int) -> None:
    if length > max_bytes:
        raise too_large(max_bytes)


def too_large(max_bytes: int) -> UploadTooLarge:
    limit = f"{max_bytes / 1024**3:g} GB" if max_bytes >= 1024**3 else f"{max_bytes} bytes"
    return UploadTooLarge(
        f"upload over {max_bytes} bytes",
        user_message=f"The recording is larger than the {limit} limit. "
        "Trim it or export it at a lower bitrate.",
    )


def check_offset(claimed: int, current: int) -> bool:
    """Whether a PATCH's Upload-Offset is where the upload stands."""
    return claimed == current


def http_date(moment: datetime) -> str:
    """RFC 9110 date, as Upload-Expires wants it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _b64decode(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidTusRequest(f"{what} is not base64", user_message=f"The {what} must be base64.") from exc
