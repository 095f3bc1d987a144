"""Where a tus upload's bytes wait until it completes: a local directory per upload.

Layout under the blob root: ``uploads/{user_id}/{upload_id}/data`` (and ``part`` while a
checksummed chunk is verified). A completed upload is moved to ``recordings/`` so it has
the same ``file://`` URI a plain upload gets and the workers open it the same way. Azure
Blob (blocks staged by byte offset) comes later behind the same methods.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from gateway.tus.errors import ChecksumMismatch
from gateway.tus.protocol import UploadChecksum
from sinks.errors import BlobStoreError

#: Received bytes are written in batches of this size, so a thread is asked rarely.
WRITE_BUFFER_BYTES = 1024 * 1024
#: After this many bytes the file is fsynced and the new offset reported, so a dropped
#: connection loses at most this much of a long PATCH.
CHECKPOINT_BYTES = 16 * 1024 * 1024
READ_BLOCK_BYTES = 1024 * 1024

#: Told the offset up to which bytes are on disk (fsynced).
OnDurable = Callable[[int], Awaitable[None]]


class LocalTusStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _dir(self, user_id: str, upload_id: str) -> Path:
        # quote() leaves no '/' in a user id; '.' and '..' alone would still climb.
        user_part = quote(user_id, safe="")
        if user_part in {"", ".", ".."} or not upload_id.isalnum():
            raise BlobStoreError(f"invalid upload location {user_id!r}/{upload_id!r}")
        return self.root / "uploads" / user_part / upload_id

    def data_path(self, user_id: str, upload_id: str) -> Path:
        return self._dir(user_id, upload_id) / "data"

    async def create(self, user_id: str, upload_id: str) -> None:
        directory = self._dir(user_id, upload_id)
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread((directory / "data").touch)

    async def append(
        self,
        user_id: str,
        upload_id: str,
        offset: int,
        chunks: AsyncIterator[bytes],
        on_durable: OnDurable,
    ) -> int:
        """Write ``chunks`` at ``offset``; returns the new offset.

        Whatever arrived before the stream broke off is kept and reported durable, so a
        client that lost its connection resumes after the last byte it got through.
        """
        path = self.data_path(user_id, upload_id)
        file = await asyncio.to_thread(path.open, "r+b")
        try:
            # Bytes past the recorded offset were never acknowledged: drop them.
            await asyncio.to_thread(_truncate_at, file, offset)
            written, unsynced = offset, 0
            buffer = bytearray()
            try:
                async for chunk in chunks:
                    buffer += chunk
                    if len(buffer) >= WRITE_BUFFER_BYTES:
                        # Cleared before the write: a failed write is not retried below.
                        data = bytes(buffer)
                        buffer.clear()
                        await asyncio.to_thread(file.write, data)
                        written += len(data)
                        unsynced += len(data)
                        if unsynced >= CHECKPOINT_BYTES:
                            await asyncio.to_thread(_sync, file)
                            unsynced = 0
                            await on_durable(written)
            finally:
                # Also when the stream raised (client gone, too many bytes): keep what came.
                if buffer:
                    data = bytes(buffer)
                    buffer.clear()
                    await asyncio.to_thread(file.write, data)
                    written += len(data)
                await asyncio.to_thread(_sync, file)
                if written != offset:
                    await on_durable(written)
        finally:
            await asyncio.to_thread(file.close)
        return written

    async def append_verified(
        self,
        user_id: str,
        upload_id: str,
        offset: int,
        chunks: AsyncIterator[bytes],
        checksum: UploadChecksum,
    ) -> int:
        """Stage the chunk in a part file, check its digest, then append it: all or nothing."""
        directory = self._dir(user_id, upload_id)
        part = directory / "part"
        digest = checksum.new_hash()
        try:
            with await asyncio.to_thread(part.open, "wb") as file:
                buffer = bytearray()
                async for chunk in chunks:
                    buffer += chunk
                    if len(buffer) >= WRITE_BUFFER_BYTES:
                        await asyncio.to_thread(_write_and_hash, file, bytes(buffer), digest)
                        buffer.clear()
                if buffer:
                    await asyncio.to_thread(_write_and_hash, file, bytes(buffer), digest)
            if digest.digest() != checksum.digest:
                raise ChecksumMismatch(f"{checksum.algorithm} mismatch on upload {upload_id} at {offset}")
            return await asyncio.to_thread(_append_part, directory / "data", part, offset)
        finally:
            await asyncio.to_thread(part.unlink, missing_ok=True)

    async def sha256(self, user_id: str, upload_id: str) -> str:
        """The whole file's digest, read once from disk (a hash state cannot be kept between PATCHes)."""
        return await asyncio.to_thread(_sha256_of, self.data_path(user_id, upload_id))

    async def finalize(self, user_id: str, upload_id: str, key: str) -> str:
        """Move the completed file to ``key`` under the blob root; returns its ``file://`` URI."""
        target = self.root / key
        if not target.resolve().is_relative_to(self.root):
            raise BlobStoreError(f"invalid blob key {key!r}")
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(os.replace, self.data_path(user_id, upload_id), target)
        return target.as_uri()

    async def unfinalize(self, user_id: str, upload_id: str, key: str) -> None:
        """Undo :meth:`finalize` when the hand-over failed, so completing can be retried."""
        await asyncio.to_thread(os.replace, self.root / key, self.data_path(user_id, upload_id))

    async def delete(self, user_id: str, upload_id: str) -> None:
        """Remove the upload's bytes; a missing upload is not an error."""
        await asyncio.to_thread(shutil.rmtree, self._dir(user_id, upload_id), True)


def _truncate_at(file: BinaryIO, offset: int) -> None:
    file.truncate(offset)
    file.seek(offset)


def _sync(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())


def _write_and_hash(file: BinaryIO, data: bytes, digest: hashlib._Hash) -> None:
    file.write(data)
    digest.update(data)


def _append_part(data: Path, part: Path, offset: int) -> int:
    with data.open("r+b") as target, part.open("rb") as source:
        _truncate_at(target, offset)
        shutil.copyfileobj(source, target, READ_BLOCK_BYTES)
        _sync(target)
        return target.tell()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(READ_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()
