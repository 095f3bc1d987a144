"""Where a tus upload's bytes wait until it completes: a local directory per upload.

Layout under the blob root: ``uploads/{user_id}/{upload_id}/data`` (and ``part`` while a
checksummed chunk is verified). A completed upload is moved to ``recordings/`` so it has
the same ``file://`` URI a plain upload gets and the workers open it the same way. Azure
Blob (blocks staged by byte offset) is :mod:`gateway.tus.storage.azure`, behind the same
contract (:class:`gateway.tus.storage.store.TusStore`).

While a PATCH body arrives, the previous megabyte is written (and hashed) in a thread, so
the disk and the network work side by side. The SHA-256 of what was written so far is kept
in memory between PATCHes, so completion need not read the whole file again; after a
restart, a checksummed PATCH or any gap it is computed from the file as before
(:mod:`gateway.tus.storage.digests`).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from gateway.probe import probe_media
from gateway.tus.errors import ChecksumMismatch
from gateway.tus.protocol import UploadChecksum
from gateway.tus.storage.digests import UploadKey, running_digests
from gateway.tus.storage.store import CHECKPOINT_BYTES, CompletedUpload, OnDurable
from sinks.errors import BlobStoreError

#: Received bytes are written in batches of this size, so a thread is asked rarely.
WRITE_BUFFER_BYTES = 1024 * 1024
READ_BLOCK_BYTES = 1024 * 1024


class LocalTusStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _key(self, user_id: str, upload_id: str) -> UploadKey:
        return (str(self.root), user_id, upload_id)

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
        key = self._key(user_id, upload_id)
        digest = running_digests.take(key, offset)
        file = await asyncio.to_thread(path.open, "r+b")
        try:
            # Bytes past the recorded offset were never acknowledged: drop them.
            await asyncio.to_thread(_truncate_at, file, offset)
            written, synced = offset, offset
            pending: list[bytes] = []
            pending_bytes = 0
            # At most one write in a thread while the next megabyte is received.
            in_flight: asyncio.Future[int] | None = None
            try:
                async for chunk in chunks:
                    pending.append(chunk)
                    pending_bytes += len(chunk)
                    if pending_bytes >= WRITE_BUFFER_BYTES:
                        if in_flight is not None:
                            # Cleared before the await: a failed write is not awaited again below.
                            done, in_flight = in_flight, None
                            written += await done
                        blocks, pending, pending_bytes = pending, [], 0
                        writing = asyncio.to_thread(_write_blocks, file, blocks, digest)
                        in_flight = asyncio.ensure_future(writing)
                        if written - synced >= CHECKPOINT_BYTES:
                            await asyncio.to_thread(_sync, file)
                            synced = written
                            await on_durable(written)
            finally:
                # Also when the stream raised (client gone, too many bytes): keep what came.
                if in_flight is not None:
                    done, in_flight = in_flight, None
                    written += await done
                if pending:
                    blocks, pending = pending, []
                    written += await asyncio.to_thread(_write_blocks, file, blocks, digest)
                await asyncio.to_thread(_sync, file)
                if digest is not None:
                    running_digests.put(key, written, digest)
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
        running_digests.forget(self._key(user_id, upload_id))  # this path keeps no running SHA-256
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
        """The whole file's digest: the running one when it covers the file, else read from disk."""
        path = self.data_path(user_id, upload_id)
        running = running_digests.peek(self._key(user_id, upload_id))
        if running is not None and running[0] == (await asyncio.to_thread(path.stat)).st_size:
            return running[1].copy().hexdigest()
        return await asyncio.to_thread(_sha256_of, path)

    async def complete(self, user_id: str, upload_id: str, key: str, length: int) -> CompletedUpload:
        """Digest and probe the finished file side by side (each in its own thread; the digest
        reads the file only when no running one covers it), then move it to ``key``."""
        sha256, probe = await asyncio.gather(
            self.sha256(user_id, upload_id), probe_media(self.data_path(user_id, upload_id))
        )
        return CompletedUpload(uri=await self.finalize(user_id, upload_id, key), sha256=sha256, probe=probe)

    async def uncomplete(self, user_id: str, upload_id: str, key: str) -> None:
        """Back to before :meth:`complete` when recording it failed, so it can be completed again."""
        await self.unfinalize(user_id, upload_id, key)

    async def finished(self, user_id: str, upload_id: str) -> None:
        """The upload is recorded: what is left of its staging (an empty directory) goes."""
        await self.delete(user_id, upload_id)

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
        running_digests.forget(self._key(user_id, upload_id))
        await asyncio.to_thread(shutil.rmtree, self._dir(user_id, upload_id), True)


def _truncate_at(file: BinaryIO, offset: int) -> None:
    file.truncate(offset)
    file.seek(offset)


def _sync(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())


def _write_blocks(file: BinaryIO, blocks: list[bytes], digest: hashlib._Hash | None) -> int:
    for block in blocks:
        file.write(block)
        if digest is not None:
            digest.update(block)
    return sum(len(block) for block in blocks)


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
