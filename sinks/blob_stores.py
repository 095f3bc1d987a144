"""The blob store a process uses, chosen by its settings: a local folder or Azure Blob."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Literal

from sinks.azure_blob_store import AzureBlobStore
from sinks.blob_store import BlobStore, LocalBlobStore
from sinks.errors import BlobStoreError

BlobStoreKind = Literal["local", "azure"]


async def open_blob_store(
    stack: AsyncExitStack,
    *,
    kind: BlobStoreKind,
    local_root: Path,
    azure_connection_string: str | None = None,
    azure_container: str = "recordings",
) -> BlobStore:
    """Open the store; ``stack`` closes it with the process."""
    if kind == "local":
        return LocalBlobStore(local_root)
    if not azure_connection_string:
        raise BlobStoreError("the Azure blob store needs IB_AZURE_STORAGE_CONNECTION_STRING")
    store = AzureBlobStore.from_connection_string(azure_connection_string, azure_container)
    stack.push_async_callback(store.close)
    await store.open()
    return store
