"""The blob store contract: what every store of recordings does, and what each says of itself.

Recordings can be 2 GB, so a store takes the bytes as an async stream of chunks and never holds
a whole file in memory. What differs between stores (a blob a decoder can open where it lies, a
URL another process can read it through, a folder for downloads) is asked of the store, which
answers for itself, so no caller needs to know which store it holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

#: How long the read URL sent with ``interview.uploaded`` lets the workers read the recording.
READ_URL_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class StoredBlob:
    uri: str
    size: int
    sha256: str


class BlobStore(Protocol):
    async def write_stream(self, key: str, chunks: AsyncIterator[bytes]) -> StoredBlob:
        """Store ``chunks`` under ``key``. When ``chunks`` raises, nothing is kept."""
        ...

    def open_local(self, uri: str) -> AbstractAsyncContextManager[Path]:
        """A local file with the blob's content, for decoders that need a path."""
        ...

    async def delete(self, uri: str) -> None:
        """Remove the blob; removing a missing blob is not an error."""
        ...

    async def exists(self, uri: str) -> bool:
        """Whether the blob is still stored (a deleted recording's is not)."""
        ...

    @property
    def uri_prefix(self) -> str:
        """What every URI of this store starts with (its directory's or container's URL and ``/``)."""
        ...

    def local_path(self, uri: str) -> Path | None:
        """The blob's own file when the store keeps blobs as local files, else None (the blob is
        then reached through :meth:`open_local`, which may download it)."""
        ...

    def read_url(self, uri: str, lifetime: timedelta = READ_URL_LIFETIME) -> str | None:
        """A read-only URL of the blob, valid for ``lifetime``, for internal readers that hold no
        credential of the store (never for users); None when the store has no such URLs.
        :class:`~sinks.errors.BlobStoreError` when it has them but cannot sign one."""
        ...

    @property
    def temp_dir(self) -> Path | None:
        """Where downloads of the store's blobs go; None for the system's temporary folder."""
        ...
