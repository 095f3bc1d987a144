"""Recordings as files in a local folder, behind the :class:`~sinks.blobs.store.BlobStore` contract.

A blob's URI is its ``file://`` URL; decoders open the file where it lies, so this store has a
local path for every blob and neither read URLs nor downloads.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from sinks.blobs.store import READ_URL_LIFETIME, StoredBlob
from sinks.errors import BlobNotFound, BlobStoreError

#: Disk writes are batched to this size so the event loop hands work to a thread rarely.
WRITE_BUFFER_BYTES = 1024 * 1024


class LocalBlobStore:
    """Blobs as files under ``root``, addressed by ``file://`` URIs."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path_for_key(self, key: str) -> Path:
        relative = PurePosixPath(key)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise BlobStoreError(f"invalid blob key {key!r}")
        return self.root.joinpath(*relative.parts)

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes]) -> StoredBlob:
        final_path = self._path_for_key(key)
        final_path.parent.mkdir(parents=True, exist_ok=True)
        # A temp name in the same directory: the rename at the end is atomic, so readers
        # never see half a recording under the final name.
        temp_path = final_path.with_name(f".{final_path.name}.{uuid.uuid4().hex}.part")
        digest = hashlib.sha256()
        size = 0
        try:
            with temp_path.open("wb") as file:
                buffer = bytearray()
                async for chunk in chunks:
                    buffer += chunk
                    if len(buffer) >= WRITE_BUFFER_BYTES:
                        await asyncio.to_thread(_write_and_hash, file, bytes(buffer), digest)
                        size += len(buffer)
                        buffer.clear()
                if buffer:
                    await asyncio.to_thread(_write_and_hash, file, bytes(buffer), digest)
                    size += len(buffer)
                await asyncio.to_thread(os.fsync, file.fileno())
            os.replace(temp_path, final_path)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return StoredBlob(uri=final_path.as_uri(), size=size, sha256=digest.hexdigest())

    def local_path(self, uri: str) -> Path:
        """The blob's file; :class:`BlobStoreError` for a URI that is not in this store."""
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            raise BlobStoreError(f"not a local blob URI: {uri!r}")
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(self.root):
            raise BlobStoreError(f"blob {uri!r} is outside the store at {self.root}")
        return path

    @asynccontextmanager
    async def _open_local(self, uri: str) -> AsyncIterator[Path]:
        path = self.local_path(uri)
        if not path.is_file():
            raise BlobNotFound(f"no blob at {uri}")
        yield path

    def open_local(self, uri: str) -> AbstractAsyncContextManager[Path]:
        return self._open_local(uri)

    async def delete(self, uri: str) -> None:
        self.local_path(uri).unlink(missing_ok=True)

    async def exists(self, uri: str) -> bool:
        return await asyncio.to_thread(self.local_path(uri).is_file)

    @property
    def uri_prefix(self) -> str:
        return self.root.as_uri().rstrip("/") + "/"

    def read_url(self, uri: str, lifetime: timedelta = READ_URL_LIFETIME) -> None:
        """None: a local file has no URL another process could read it through."""
        return None

    @property
    def temp_dir(self) -> None:
        """None: blobs are opened where they lie, never downloaded."""
        return None


def _write_and_hash(file: BinaryIO, data: bytes, digest: hashlib._Hash) -> None:
    file.write(data)
    digest.update(data)
