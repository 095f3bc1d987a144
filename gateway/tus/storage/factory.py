"""The gateway's blob store and its tus store, opened together from the settings.

An upload is staged where its recording will live (a local directory beside the local
recordings, blocks of the blob in Azure), so completing it never copies bytes: each blob store
comes with the tus store that stages into it.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from gateway.settings import Settings
from gateway.tus.storage.azure import AzureTusStore
from gateway.tus.storage.local import LocalTusStore
from gateway.tus.storage.store import TusStore
from sinks.blobs.factory import open_azure_blob_store
from sinks.blobs.local import LocalBlobStore
from sinks.blobs.store import BlobStore


async def open_stores(settings: Settings, stack: AsyncExitStack) -> tuple[BlobStore, TusStore]:
    """The blob store ``IB_BLOB_STORE`` names and the tus store beside it; ``stack`` closes them."""
    if settings.blob_store == "azure":
        connection_string = settings.azure_storage_connection_string
        blobs = await open_azure_blob_store(
            stack,
            connection_string.get_secret_value() if connection_string else None,
            settings.azure_blob_container,
        )
        return blobs, AzureTusStore(blobs)
    return LocalBlobStore(settings.blob_root), LocalTusStore(settings.blob_root)
