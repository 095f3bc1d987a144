"""Where a tus upload's bytes wait until it completes: the contract, and the choice by store.

The local directory (:class:`~gateway.tus.storage.local.LocalTusStore`) goes with the local blob store,
Azure Blob blocks (:class:`~gateway.tus.storage.azure.AzureTusStore`) with Azure: an upload's
bytes are staged where the finished recording will live, so completing never copies them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from gateway.tus.protocol import UploadChecksum
from gateway.tus.storage.azure import AzureTusStore
from gateway.tus.storage.local import CompletedUpload, LocalTusStore, OnDurable
from sinks.blobs.azure import AzureBlobStore
from sinks.blobs.store import BlobStore


class TusStore(Protocol):
    async def create(self, user_id: str, upload_id: str) -> None:
        """Make room for a new upload."""
        ...

    async def append(
        self, user_id: str, upload_id: str, offset: int, chunks: AsyncIterator[bytes], on_durable: OnDurable
    ) -> int:
        """Store ``chunks`` at ``offset``, telling ``on_durable`` as they are; returns the new
        offset. What arrived before the stream broke off is kept."""
        ...

    async def append_verified(
        self,
        user_id: str,
        upload_id: str,
        offset: int,
        chunks: AsyncIterator[bytes],
        checksum: UploadChecksum,
    ) -> int:
        """Store ``chunks`` at ``offset`` only if they match ``checksum`` (else
        :class:`~gateway.tus.errors.ChecksumMismatch`); returns the new offset."""
        ...

    async def complete(self, user_id: str, upload_id: str, key: str, length: int) -> CompletedUpload:
        """Make the finished upload a recording (``key`` names it where the store can choose)."""
        ...

    async def uncomplete(self, user_id: str, upload_id: str, key: str) -> None:
        """Undo :meth:`complete` as far as needed for completing again to work."""
        ...

    async def finished(self, user_id: str, upload_id: str) -> None:
        """The recording is recorded: drop what only the upload needed."""
        ...

    async def delete(self, user_id: str, upload_id: str) -> None:
        """Remove everything stored of an unfinished upload; nothing there is not an error."""
        ...


def tus_store_for(blob_root: Path, blob_store: BlobStore) -> TusStore:
    """The tus store that stages uploads where ``blob_store`` keeps recordings."""
    if isinstance(blob_store, AzureBlobStore):
        return AzureTusStore(blob_store)
    return LocalTusStore(blob_root)
