"""The gateway opens its blob store and its tus store together, so uploads are staged beside the
recordings they become (the Azure pair is opened against Azurite in tests/integration/test_tus_azure.py)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

from gateway.settings import Settings
from gateway.tus.storage.factory import open_stores
from gateway.tus.storage.local import LocalTusStore
from sinks.blobs.local import LocalBlobStore


async def test_local_uploads_are_staged_under_the_local_recordings(tmp_path: Path) -> None:
    settings = Settings(run_dir=tmp_path)
    async with AsyncExitStack() as stack:
        blob_store, tus_store = await open_stores(settings, stack)
    assert isinstance(blob_store, LocalBlobStore) and isinstance(tus_store, LocalTusStore)
    assert tus_store.root == blob_store.root == settings.blob_root.resolve()
