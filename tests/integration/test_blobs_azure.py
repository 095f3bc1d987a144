"""AzureBlobStore against a real Azurite (``dev/azurite/run.sh``), through the real SDK."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import httpx
import psutil
import pytest
import pytest_asyncio

from sinks.blobs.azure import AzureBlobStore, ReadUrlExpired, block_id, open_read_url
from sinks.blobs.local import LocalBlobStore
from sinks.blobs.recordings import open_recording, recording_exists
from sinks.errors import BlobNotFound, BlobStoreError

REPO_DIR = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

log = logging.getLogger(__name__)


@pytest_asyncio.fixture(loop_scope="function")
async def store(azurite_connection_string: str, tmp_path: Path) -> AsyncIterator[AzureBlobStore]:
    # Small blocks so a few MB make many blocks; a container per test keeps tests apart.
    container = f"test-{uuid.uuid4().hex[:12]}"
    async with AzureBlobStore.from_connection_string(
        azurite_connection_string, container, block_bytes=256 * 1024, temp_dir=tmp_path
    ) as opened:
        yield opened


async def chunks_of(data: bytes, sizes: list[int]) -> AsyncIterator[bytes]:
    """``data`` in pieces of the given sizes, round and round: uneven, like network reads."""
    offset, turn = 0, 0
    while offset < len(data):
        size = sizes[turn % len(sizes)]
        yield data[offset : offset + size]
        offset += size
        turn += 1


def key_for(user_id: str = "user-1") -> str:
    return f"uploads/{user_id}/{uuid.uuid4().hex}/recording.wav"


async def test_a_multi_block_upload_keeps_its_size_and_sha256_and_reads_back_the_same(
    store: AzureBlobStore, tmp_path: Path
) -> None:
    data = os.urandom(3 * MIB + 12345)
    stored = await store.write_stream(key_for(), chunks_of(data, [65536, 1000, 300000, 7]))

    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    blob = store._blob_for_uri(stored.uri)
    committed, uncommitted = await blob.get_block_list("all")
    assert [block.id for block in committed] == [block_id(start) for start in range(0, len(data), 256 * 1024)]
    assert not uncommitted
    assert (await blob.get_blob_properties()).metadata["sha256"] == stored.sha256

    async with store.open_local(stored.uri) as path:
        assert path.name == "recording.wav"
        assert path.read_bytes() == data
    assert not path.exists()
    assert not any(tmp_path.iterdir())  # the download's temp directory is gone too


async def test_staging_a_block_again_replaces_it(store: AzureBlobStore) -> None:
    data = os.urandom(600 * 1024)
    key = key_for()
    # A first attempt staged wrong bytes at offset 0 and never committed: the write that follows
    # stages offset 0 again under the same id, and only the new bytes end up in the blob.
    await store._stage(store._blob_for_key(key), 0, b"x" * 1000)
    stored = await store.write_stream(key, chunks_of(data, [100 * 1024]))
    committed, _ = await store._blob_for_uri(stored.uri).get_block_list("committed")
    assert len(committed) == 3
    async with store.open_local(stored.uri) as path:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()


async def test_a_zero_byte_upload_is_stored_as_an_empty_blob(store: AzureBlobStore) -> None:
    stored = await store.write_stream(key_for(), chunks_of(b"", [1]))
    assert stored.size == 0
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    async with store.open_local(stored.uri) as path:
        assert path.read_bytes() == b""


async def test_delete_removes_the_blob_and_deleting_again_is_not_an_error(store: AzureBlobStore) -> None:
    stored = await store.write_stream(key_for(), chunks_of(b"recording", [4]))
    await store.delete(stored.uri)
    with pytest.raises(BlobNotFound):
        async with store.open_local(stored.uri):
            pass
    await store.delete(stored.uri)


async def test_a_stream_that_fails_leaves_no_blob(store: AzureBlobStore) -> None:
    key = key_for()

    async def broken() -> AsyncIterator[bytes]:
        yield os.urandom(700 * 1024)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.write_stream(key, broken())
    assert not await store._blob_for_key(key).exists()


async def test_keys_and_uris_outside_the_container_are_refused(store: AzureBlobStore) -> None:
    with pytest.raises(BlobStoreError):
        await store.write_stream("../escape", chunks_of(b"x", [1]))
    with pytest.raises(BlobStoreError):
        await store.delete("http://127.0.0.1:10000/devstoreaccount1/another-container/uploads/a/b/c")


async def test_a_sas_url_reads_the_blob_for_a_day_and_an_expired_one_does_not(store: AzureBlobStore) -> None:
    data = os.urandom(5000)
    stored = await store.write_stream(key_for(), chunks_of(data, [1024]))
    url = store.read_url(stored.uri)
    assert re.search(r"[?&]sp=r(&|$)", url), "read permission only"
    async with httpx.AsyncClient() as http:
        assert (await http.get(url)).content == data
        assert (await http.get(stored.uri)).status_code in (403, 404, 409)  # no credential, no bytes
        expired = store.read_url(stored.uri, lifetime=timedelta(minutes=-1))
        assert (await http.get(expired)).status_code == 403


@pytest.mark.slow
async def test_a_200_mb_stream_goes_through_with_flat_memory(store: AzureBlobStore) -> None:
    store.block_bytes = 8 * MIB  # the production block size
    pattern = os.urandom(MIB + 17)  # an odd length so no two blocks are alike
    total = 200 * MIB
    expected = hashlib.sha256()

    async def generated() -> AsyncIterator[bytes]:
        sent = 0
        while sent < total:
            piece = pattern[sent % 1000 : sent % 1000 + 64 * 1024][: total - sent]
            expected.update(piece)
            sent += len(piece)
            yield piece

    with peak_rss_growth() as growth:
        stored = await store.write_stream(key_for(), generated())
        assert stored.size == total
        assert stored.sha256 == expected.hexdigest()
        downloaded = hashlib.sha256()
        async with store.open_local(stored.uri) as path:
            with path.open("rb") as file:
                while block := file.read(MIB):
                    downloaded.update(block)
        assert downloaded.hexdigest() == stored.sha256
    log.info("peak RSS growth for a 200 MB upload and download: %.1f MB", growth.megabytes)
    assert growth.megabytes < 64, f"peak RSS grew by {growth.megabytes:.1f} MB"


class _Growth:
    megabytes = 0.0


@contextmanager
def peak_rss_growth() -> Iterator[_Growth]:
    """The highest resident set size above the starting one while the block runs, sampled by psutil."""
    process = psutil.Process()
    baseline = process.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    growth = _Growth()
    try:
        yield growth
    finally:
        done.set()
        sampler.join()
        peak = max(peak, process.memory_info().rss)
        growth.megabytes = (peak - baseline) / MIB


# --- blocks staged over many requests (tus), and readers holding only a SAS URL -----------------


async def test_blocks_of_any_size_are_listed_by_offset_and_committed_in_order(store: AzureBlobStore) -> None:
    key = key_for()
    data = os.urandom(300_000)
    await store.stage_block(key, 0, data[:1000])
    await store.stage_block(key, 1000, data[1000:250_000])
    await store.stage_block(key, 250_000, data[250_000:])
    await store.stage_block(key, 0, data[:1000])  # staged again: replaced, not added
    assert await store.block_sizes(key) == {0: 1000, 1000: 249_000, 250_000: 50_000}
    uri = await store.commit_blocks(key, [0, 1000, 250_000], {"sha256": "x"})
    assert b"".join([piece async for piece in store.read_chunks(uri)]) == data
    assert await store.block_sizes(key) == {0: 1000, 1000: 249_000, 250_000: 50_000}  # now committed


async def test_discard_drops_blocks_that_were_never_committed(store: AzureBlobStore) -> None:
    key = key_for()
    await store.stage_block(key, 0, b"staged, never committed")
    assert not await store.exists(store.uri_for_key(key))  # invisible to a plain delete
    await store.discard(key)
    assert await store.block_sizes(key) == {}
    await store.discard(key)  # nothing there: not an error


async def test_the_worker_reads_through_the_sas_url_without_credentials(
    store: AzureBlobStore, tmp_path: Path
) -> None:
    data = os.urandom(3 * MIB + 5)
    stored = await store.write_stream(key_for(), chunks_of(data, [MIB]))
    no_credentials = LocalBlobStore(tmp_path / "blobs")  # a worker configured without Azure
    url = store.read_url(stored.uri)
    assert await recording_exists(no_credentials, stored.uri, url)
    async with open_recording(no_credentials, stored.uri, url) as path:
        assert path.read_bytes() == data
    assert not path.exists()
    await store.delete(stored.uri)
    assert not await recording_exists(no_credentials, stored.uri, url)
    with pytest.raises(BlobNotFound):
        async with open_recording(no_credentials, stored.uri, url):
            pass


async def test_an_expired_sas_falls_back_to_the_stores_credentials(
    store: AzureBlobStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data = os.urandom(100_000)
    stored = await store.write_stream(key_for(), chunks_of(data, [4096]))
    expired = store.read_url(stored.uri, lifetime=timedelta(minutes=-1))  # a replay after 24 h
    with pytest.raises(ReadUrlExpired):
        async with open_read_url(expired):
            pass
    async with open_recording(store, stored.uri, expired) as path:
        assert path.read_bytes() == data
    assert await recording_exists(store, stored.uri, expired)

    # Without credentials of its own the worker cannot: it says so, and never shows the SAS.
    no_credentials = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(BlobStoreError) as raised:
        async with open_recording(no_credentials, stored.uri, expired):
            pass
    assert "expired" in str(raised.value)
    signature = parse_qs(urlparse(expired).query)["sig"][0]
    assert signature not in str(raised.value)
    assert signature not in caplog.text and quote(signature, safe="") not in caplog.text
