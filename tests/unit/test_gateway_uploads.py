from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.errors import EmptyRecording, RecordingTooLarge, UnsupportedMediaType
from gateway.media_types import WAV
from gateway.uploads import clean_filename, receive_recording
from sinks.blobs.local import LocalBlobStore

WAV_HEADER = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00"


async def _chunks(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def test_streams_small_chunks_to_the_store_and_hashes_them(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    body = WAV_HEADER + bytes(range(256)) * 40
    received = await receive_recording(_chunks(body), blob_store=store, interview_id="i-1", max_bytes=10**6)
    assert received.media_format == WAV
    assert received.blob.size == len(body)
    assert received.blob.sha256 == hashlib.sha256(body).hexdigest()
    assert store.local_path(received.blob.uri).read_bytes() == body
    assert _files(tmp_path) == [tmp_path / "recordings" / "i-1.wav"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", EmptyRecording),
        (b"%PDF-1.7 this is not audio" * 10, UnsupportedMediaType),
    ],
)
async def test_refused_bodies_leave_no_file(tmp_path: Path, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        await receive_recording(
            _chunks(body), blob_store=LocalBlobStore(tmp_path), interview_id="i", max_bytes=10**6
        )
    assert _files(tmp_path) == []


async def test_a_stream_that_grows_past_the_limit_is_cut_off_and_removed(tmp_path: Path) -> None:
    body = WAV_HEADER + b"\x00" * 5000
    with pytest.raises(RecordingTooLarge):
        await receive_recording(
            _chunks(body, 512), blob_store=LocalBlobStore(tmp_path), interview_id="i", max_bytes=4096
        )
    assert _files(tmp_path) == []


async def test_a_declared_length_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    async def never_read() -> AsyncIterator[bytes]:
        raise AssertionError("the body must not be read")
        yield b""

    with pytest.raises(RecordingTooLarge) as caught:
        await receive_recording(
            never_read(),
            blob_store=LocalBlobStore(tmp_path),
            interview_id="i",
            max_bytes=2 * 1024**3,
            declared_length=3 * 1024**3,
        )
    assert "2 GB" in caught.value.user_message


def test_filenames_lose_directories_and_get_a_default() -> None:
    assert clean_filename("..%2F..%2Fetc%2Fpasswd", WAV) == "passwd"
    assert clean_filename("C:\\Users\\me\\Entretien%20d%C3%A9but.wav", WAV) == "Entretien début.wav"
    assert clean_filename(None, WAV) == "recording.wav"
