"""The blob store a process uses, chosen by its settings (``IB_BLOB_STORE``): a local folder or
Azure Blob."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Literal

from sinks.blobs.azure import DEFAULT_CONTAINER, AzureBlobStore
from sinks.blobs.local import LocalBlobStore
from sinks.blobs.store import BlobStore
from sinks.errors import BlobStoreError

BlobStoreKind = Literal["local", "azure"]


async def open_blob_store(
    stack: AsyncExitStack,
    *,
    kind: BlobStoreKind,
    local_root: Path,
    azure_connection_string: str | None = None,
    azure_container: str = DEFAULT_CONTAINER,
    create_container: bool = True,
    sdk_retries: int | None = None,
) -> BlobStore:
    """Open the store; ``stack`` closes it with the process."""
    if kind == "local":
        return LocalBlobStore(local_root)
    return await open_azure_blob_store(
        stack, azure_connection_string, azure_container, create_container, sdk_retries
    )


async def open_azure_blob_store(
    stack: AsyncExitStack,
    connection_string: str | None,
    container: str = DEFAULT_CONTAINER,
    create_container: bool = True,
    sdk_retries: int | None = None,
) -> AzureBlobStore:
    """Open the Azure store (creating its container when there is none yet, unless told not
    to: a reader that must start while the store is away); ``stack`` closes it."""
    if not connection_string:
        raise BlobStoreError("the Azure blob store needs IB_AZURE_STORAGE_CONNECTION_STRING")
    store = AzureBlobStore.from_connection_string(connection_string, container, sdk_retries=sdk_retries)
    stack.push_async_callback(store.close)
    if create_container:
        await store.open()
    return store
