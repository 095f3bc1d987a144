"""How the worker reads a recording: through the event's read URL, or with its own store.

An Azure recording's ``interview.uploaded`` carries a read-only SAS URL valid for 24 hours, which
needs no credential of the worker's. When there is none (a local recording), or it expired (a
replay more than a day later), the worker reads the recording with its own store's credentials,
which works when its store holds the recording (the same folder, or the same container).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from sinks.blobs.azure import ReadUrlExpired, open_read_url, read_url_exists
from sinks.blobs.store import BlobStore
from sinks.errors import BlobStoreError

log = logging.getLogger(__name__)


def open_recording(
    store: BlobStore, uri: str, read_url: str | None, sdk_retries: int | None = None
) -> AbstractAsyncContextManager[Path]:
    """The recording as a local file: through ``read_url`` (a SAS URL) when given and still
    valid, else with ``store``'s credentials (which must then reach ``uri``); ``sdk_retries``
    as :func:`~sinks.blobs.azure.sdk_retry_options` takes it."""
    return _open_recording(store, uri, read_url, sdk_retries)


@asynccontextmanager
async def _open_recording(
    store: BlobStore, uri: str, read_url: str | None, sdk_retries: int | None
) -> AsyncIterator[Path]:
    if read_url is not None:
        try:
            async with open_read_url(read_url, store.temp_dir, sdk_retries) as path:
                yield path
                return
        except ReadUrlExpired:
            if not _holds(store, uri):
                raise BlobStoreError(
                    f"the read URL of {uri} expired and this process's blob store does not hold it "
                    "(set IB_BLOB_STORE=azure and IB_AZURE_STORAGE_CONNECTION_STRING to its account)"
                ) from None
            log.info("the read URL of %s expired: reading it with the store's credentials", uri)
    async with store.open_local(uri) as path:
        yield path


async def recording_exists(
    store: BlobStore, uri: str, read_url: str | None, sdk_retries: int | None = None
) -> bool:
    """Whether the recording is still stored, asked the same way :func:`open_recording` reads it."""
    if read_url is not None:
        try:
            return await read_url_exists(read_url, sdk_retries)
        except ReadUrlExpired:
            if not _holds(store, uri):
                raise
    return await store.exists(uri)


def _holds(store: BlobStore, uri: str) -> bool:
    """Whether ``uri`` is in ``store`` (same folder, or same account and container)."""
    return uri.startswith(store.uri_prefix)
