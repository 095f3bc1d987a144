"""The tus store contract: where a tus upload's bytes wait until it completes.

Each blob store has its tus store (:mod:`gateway.tus.storage.factory` opens the two together):
a local directory (:class:`~gateway.tus.storage.local.LocalTusStore`) beside local recordings,
Azure Blob blocks (:class:`~gateway.tus.storage.azure.AzureTusStore`) in the recordings'
container. An upload's bytes are staged where the finished recording will live, so completing
never copies them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from gateway.probe import MediaProbe
from gateway.tus.protocol import UploadChecksum

#: After this many bytes a store makes what it received durable and reports the new offset, so a
#: dropped connection loses at most this much of a long PATCH.
CHECKPOINT_BYTES = 16 * 1024 * 1024

#: Told the offset up to which bytes are durable (fsynced to disk, or staged in Azure).
OnDurable = Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class CompletedUpload:
    """A finished upload where recordings live: its URI, SHA-256 and what the probe found."""

    uri: str
    sha256: str
    probe: MediaProbe


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
