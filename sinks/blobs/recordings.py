"""The blob store a process uses, chosen by its settings: a local folder or Azure Blob.

Internal readers (the workers) get a recording through :func:`open_recording`: with the event's
read-only SAS URL when it has one, which needs no credential of theirs, and with the store's
own credentials when the SAS expired (a replay more than a day later) or there is none.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Literal

from sinks.blobs.azure import AzureBlobStore, ReadUrlExpired, open_read_url, read_url_exists
from sinks.blobs.local import BlobStore, LocalBlobStore
from sinks.errors import BlobStoreError

log = logging.getLogger(__name__)

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


def open_recording(store: BlobStore, uri: str, read_url: str | None) -> AbstractAsyncContextManager[Path]:
    """The recording as a local file: through ``read_url`` (a SAS URL) when given and still
    valid, else with ``store``'s credentials (which must then reach ``uri``)."""
    return _open_recording(store, uri, read_url)


@asynccontextmanager
async def _open_recording(store: BlobStore, uri: str, read_url: str | None) -> AsyncIterator[Path]:
    if read_url is not None:
        try:
            async with open_read_url(read_url, _temp_dir(store)) as path:
                yield path
                return
        except ReadUrlExpired:
            if not isinstance(store, AzureBlobStore):
                raise BlobStoreError(
                    f"the read URL of {uri} expired and this process has no Azure credentials "
                    "(set IB_BLOB_STORE=azure and IB_AZURE_STORAGE_CONNECTION_STRING)"
                ) from None
            log.info("the read URL of %s expired: reading it with the store's credentials", uri)
    async with store.open_local(uri) as path:
        yield path


async def recording_exists(store: BlobStore, uri: str, read_url: str | None) -> bool:
    """Whether the recording is still stored, asked the same way :func:`open_recording` reads it."""
    if read_url is not None:
        try:
            return await read_url_exists(read_url)
        except ReadUrlExpired:
            if not isinstance(store, AzureBlobStore):
                raise
    return await store.exists(uri)


def _temp_dir(store: BlobStore) -> Path | None:
    return store.temp_dir if isinstance(store, AzureBlobStore) else None
