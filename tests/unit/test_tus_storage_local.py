"""The local tus store: bytes at offsets, checkpoints, all-or-nothing checksummed chunks."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest

from gateway.tus.errors import ChecksumMismatch
from gateway.tus.protocol import UploadChecksum, parse_checksum
from gateway.tus.storage import local as store_module
from gateway.tus.storage.local import LocalTusStore
from sinks.errors import BlobStoreError

USER, UPLOAD = "user-1", "0123abcd"


class Interrupted(Exception):
    pass


async def stream(parts: Iterable[bytes], fail_after: bool = False) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
    if fail_after:
        raise Interrupted


@pytest.fixture
async def store(tmp_path: Path) -> LocalTusStore:
    created = LocalTusStore(tmp_path)
    await created.create(USER, UPLOAD)
    return created


async def test_chunks_land_at_the_offset_and_are_reported_durable(store: LocalTusStore) -> None:
    durable: list[int] = []

    async def record(offset: int) -> None:
        durable.append(offset)

    assert await store.append(USER, UPLOAD, 0, stream([b"abc", b"def"]), record) == 6
    assert await store.append(USER, UPLOAD, 6, stream([b"ghi"]), record) == 9
    assert store.data_path(USER, UPLOAD).read_bytes() == b"abcdefghi"
    assert durable == [6, 9]


async def test_a_long_patch_checkpoints_its_offset(
    store: LocalTusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "WRITE_BUFFER_BYTES", 4)
    monkeypatch.setattr(store_module, "CHECKPOINT_BYTES", 8)
    durable: list[int] = []

    async def record(offset: int) -> None:
        durable.append(offset)

    await store.append(USER, UPLOAD, 0, stream([b"1234"] * 5), record)
    assert durable == [8, 16, 20]


async def test_a_broken_stream_keeps_what_arrived(store: LocalTusStore) -> None:
    durable: list[int] = []

    async def record(offset: int) -> None:
        durable.append(offset)

    with pytest.raises(Interrupted):
        await store.append(USER, UPLOAD, 0, stream([b"abc", b"de"], fail_after=True), record)
    assert store.data_path(USER, UPLOAD).read_bytes() == b"abcde"
    assert durable == [5]


async def test_bytes_past_the_recorded_offset_are_dropped(store: LocalTusStore) -> None:
    store.data_path(USER, UPLOAD).write_bytes(b"abcXYZ")  # XYZ never acknowledged

    async def record(offset: int) -> None:
        pass

    await store.append(USER, UPLOAD, 3, stream([b"d"]), record)
    assert store.data_path(USER, UPLOAD).read_bytes() == b"abcd"


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
async def test_a_checksummed_chunk_is_appended_when_it_matches(store: LocalTusStore, algorithm: str) -> None:
    chunk = b"0123456789" * 1000
    checksum = UploadChecksum(algorithm, hashlib.new(algorithm, chunk).digest())
    assert (
        await store.append_verified(USER, UPLOAD, 0, stream([chunk[:5000], chunk[5000:]]), checksum) == 10_000
    )
    assert store.data_path(USER, UPLOAD).read_bytes() == chunk
    assert not (store.data_path(USER, UPLOAD).parent / "part").exists()


async def test_a_mismatching_chunk_is_discarded(store: LocalTusStore) -> None:
    store.data_path(USER, UPLOAD).write_bytes(b"kept")
    checksum = parse_checksum(f"sha1 {base64.b64encode(hashlib.sha1(b'other').digest()).decode()}")
    assert checksum is not None
    with pytest.raises(ChecksumMismatch):
        await store.append_verified(USER, UPLOAD, 4, stream([b"damaged"]), checksum)
    assert store.data_path(USER, UPLOAD).read_bytes() == b"kept"
    assert not (store.data_path(USER, UPLOAD).parent / "part").exists()


async def test_finalize_moves_the_file_and_delete_forgets_it(store: LocalTusStore) -> None:
    store.data_path(USER, UPLOAD).write_bytes(b"recording")
    assert await store.sha256(USER, UPLOAD) == hashlib.sha256(b"recording").hexdigest()
    uri = await store.finalize(USER, UPLOAD, "recordings/i-1.wav")
    assert uri == (store.root / "recordings" / "i-1.wav").as_uri()
    await store.unfinalize(USER, UPLOAD, "recordings/i-1.wav")
    assert store.data_path(USER, UPLOAD).read_bytes() == b"recording"
    await store.delete(USER, UPLOAD)
    await store.delete(USER, UPLOAD)  # a second delete is not an error
    assert not store.data_path(USER, UPLOAD).parent.exists()


@pytest.mark.parametrize(
    ("user_id", "upload_id"), [("..", UPLOAD), (".", UPLOAD), (USER, "../x"), (USER, "")]
)
def test_ids_cannot_climb_out_of_the_store(tmp_path: Path, user_id: str, upload_id: str) -> None:
    with pytest.raises(BlobStoreError):
        LocalTusStore(tmp_path).data_path(user_id, upload_id)


def test_user_ids_with_slashes_stay_one_directory(tmp_path: Path) -> None:
    path = LocalTusStore(tmp_path).data_path("a/b", UPLOAD)
    assert path.parent.parent.parent == tmp_path.resolve() / "uploads"
