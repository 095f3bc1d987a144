"""Every blob store says for itself what it has (a local path, a read URL, a download folder), so
no caller asks which store it holds. The Azure store is made from a connection string and never
reaches the network here: signing a read URL is computed locally."""

from __future__ import annotations

import ast
import base64
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dev.house import REPO_ROOT, files_of
from dev.synthesize import wav_bytes
from gateway.probe import UNKNOWN, probe_blob
from gateway.uploads import internal_read_url
from sinks.blobs.azure import AzureBlobStore
from sinks.blobs.local import LocalBlobStore
from sinks.blobs.store import BlobStore

ACCOUNT_KEY = base64.b64encode(b"not a real key, and never sent").decode()
BLOB_ENDPOINT = "http://127.0.0.1:1/devstoreaccount1"


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


def azure(account_key: str | None, temp_dir: Path | None = None) -> AzureBlobStore:
    key = f"AccountKey={account_key};" if account_key else ""
    connection_string = f"AccountName=devstoreaccount1;{key}BlobEndpoint={BLOB_ENDPOINT};"
    return AzureBlobStore.from_connection_string(connection_string, "recordings", temp_dir=temp_dir)


async def test_a_local_store_has_a_path_for_each_blob_and_no_read_url_or_downloads(tmp_path: Path) -> None:
    store: BlobStore = LocalBlobStore(tmp_path)
    stored = await store.write_stream("recordings/a.wav", one_chunk(b"RIFF"))

    assert store.local_path(stored.uri) == tmp_path / "recordings" / "a.wav"
    assert store.read_url(stored.uri) is None
    assert store.temp_dir is None
    assert internal_read_url(store, stored.uri) is None


async def test_an_azure_store_has_read_urls_and_a_download_folder_but_no_local_path(tmp_path: Path) -> None:
    store = azure(ACCOUNT_KEY, temp_dir=tmp_path)
    try:
        uri = store.uri_for_key("recordings/a.wav")
        assert uri.startswith(store.uri_prefix)
        assert store.local_path(uri) is None
        assert store.temp_dir == tmp_path
        url = store.read_url(uri)
        assert url is not None and url.startswith(f"{BLOB_ENDPOINT}/recordings/recordings/a.wav?")
        assert parse_qs(urlparse(url).query)["sp"] == ["r"], "read permission only"
        assert internal_read_url(store, uri) is not None
    finally:
        await store.close()


async def test_an_azure_store_that_cannot_sign_gives_no_read_url_and_no_probe(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = azure(account_key=None)
    try:
        uri = store.uri_for_key("recordings/a.wav")
        assert internal_read_url(store, uri) is None  # the workers read with their own credentials
        assert "no read URL" in caplog.text
        assert await probe_blob(store, uri, 1000) == UNKNOWN  # the worker reports the duration
    finally:
        await store.close()


async def test_a_local_recording_is_probed_where_it_lies(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    stored = await store.write_stream("recordings/a.wav", one_chunk(wav_bytes(seconds=1.5)))
    probe = await probe_blob(store, stored.uri, stored.size)
    assert probe.has_audio is True
    assert probe.duration_seconds == pytest.approx(1.5, abs=0.01)


STORE_CLASSES = {"LocalBlobStore", "AzureBlobStore", "LocalTusStore", "AzureTusStore"}


@pytest.mark.parametrize("part", ["gateway", "sinks", "streams"])
def test_no_caller_asks_which_store_it_holds(part: str) -> None:
    """``isinstance``/``issubclass`` on a store class would mean the contract misses a capability."""
    asked = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
        for path in files_of(part)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"isinstance", "issubclass"}
        and len(node.args) == 2
        and STORE_CLASSES & {name.id for name in ast.walk(node.args[1]) if isinstance(name, ast.Name)}
    ]
    assert asked == []
