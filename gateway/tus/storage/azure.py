"""tus uploads staged straight into Azure Blob: a PATCH's bytes become blocks as they arrive.

An upload is one block blob, ``uploads/{user_id}/{upload_id}/data`` in the store's container.
Its blocks are named by the byte offset they start at (:func:`sinks.blobs.azure.block_id`),
so a PATCH resumed or sent again at an offset replaces the block staged there. Blocks have no
fixed size: each PATCH cuts its body into blocks of about :data:`BLOCK_BYTES` and stages what
is left when it ends, so the upload's bytes are always a chain of blocks from offset 0, each
starting where the one before ends. Completing walks that chain and commits it; blocks off the
chain (a PATCH refused for its checksum, a block staged after one that failed) are discarded by
Azure at that commit. The offset in PostgreSQL moves only once every block up to it is staged,
so it is never ahead of what Azure holds (:meth:`AzureTusStore.staged_bytes` says how much).

At most :data:`STAGING_CONCURRENCY` blocks are sent at once while the next one is received, so
a PATCH holds at most ``(STAGING_CONCURRENCY + 1) × BLOCK_BYTES`` and nothing goes to local
disk; the whole process stages at most :data:`PROCESS_STAGING_SLOTS` blocks at once. The
running SHA-256 is kept in memory between PATCHes as the local store keeps it
(:mod:`gateway.tus.storage.digests`); after a restart the committed blob is read back once at
completion.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import quote

from gateway.probe import probe_blob
from gateway.tus.errors import ChecksumMismatch
from gateway.tus.protocol import UploadChecksum
from gateway.tus.storage.digests import UploadKey, running_digests
from gateway.tus.storage.store import CHECKPOINT_BYTES, CompletedUpload, OnDurable
from sinks.blobs.azure import AzureBlobStore
from sinks.errors import BlobStoreError

#: Blocks of about 4 MiB: on Azurite 4-8 MiB went equally fast, and smaller blocks keep the
#: memory per PATCH low (a 2 GB upload is ~512 blocks; Azure allows 50,000 per blob).
BLOCK_BYTES = 4 * 1024 * 1024
#: Blocks staged at once per PATCH, while the next one is received.
STAGING_CONCURRENCY = 3
#: Blocks staged at once by the whole process: many uploads together wait for a turn (and stop
#: reading their bodies meanwhile) instead of each holding its own blocks in memory.
PROCESS_STAGING_SLOTS = 24

_slots_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _staging_slots() -> asyncio.Semaphore:
    """The process's staging slots (one semaphore per event loop: tests run several loops)."""
    loop = asyncio.get_running_loop()
    slots = _slots_by_loop.get(loop)
    if slots is None:
        slots = _slots_by_loop[loop] = asyncio.Semaphore(PROCESS_STAGING_SLOTS)
    return slots


class AzureTusStore:
    def __init__(
        self,
        blobs: AzureBlobStore,
        *,
        block_bytes: int = BLOCK_BYTES,
        staging_concurrency: int = STAGING_CONCURRENCY,
    ) -> None:
        self.blobs = blobs
        self.block_bytes = block_bytes
        self.staging_concurrency = staging_concurrency

    def key(self, user_id: str, upload_id: str) -> str:
        """The blob name of an upload."""
        user_part = quote(user_id, safe="")
        if user_part in {"", ".", ".."} or not upload_id.isalnum():
            raise BlobStoreError(f"invalid upload location {user_id!r}/{upload_id!r}")
        return f"uploads/{user_part}/{upload_id}/data"

    def _digest_key(self, user_id: str, upload_id: str) -> UploadKey:
        return (self.blobs.uri_for_key("uploads"), user_id, upload_id)

    async def create(self, user_id: str, upload_id: str) -> None:
        self.key(user_id, upload_id)  # nothing to make in Azure before the first block: just check

    async def append(
        self,
        user_id: str,
        upload_id: str,
        offset: int,
        chunks: AsyncIterator[bytes],
        on_durable: OnDurable,
    ) -> int:
        """Stage ``chunks`` from ``offset``; returns the new offset.

        What arrived before the stream broke off is staged and reported, as the local store
        keeps it, so a client that lost its connection resumes after the last byte it got through.
        """
        digest_key = self._digest_key(user_id, upload_id)
        digest = running_digests.take(digest_key, offset)
        writer = _BlockWriter(self, self.key(user_id, upload_id), offset, on_durable)
        hashed = offset
        try:
            async for block in _blocks(chunks, self.block_bytes):
                if digest is not None:
                    await asyncio.to_thread(digest.update, block)
                hashed += len(block)
                await writer.put(block)
        finally:
            # Also when the stream raised (client gone, too many bytes): keep what came.
            try:
                await writer.drain()
            finally:
                if digest is not None and writer.durable == hashed:
                    running_digests.put(digest_key, hashed, digest)
                if writer.durable != offset:
                    await on_durable(writer.durable)
        return writer.durable

    async def append_verified(
        self,
        user_id: str,
        upload_id: str,
        offset: int,
        chunks: AsyncIterator[bytes],
        checksum: UploadChecksum,
    ) -> int:
        """Stage the chunk, check its digest, and only then let the offset move: all or nothing.

        A chunk that does not match leaves staged blocks past the offset, which the next PATCH
        replaces or the commit at completion leaves out.
        """
        digest_key = self._digest_key(user_id, upload_id)
        running = running_digests.take(digest_key, offset)
        candidate = running.copy() if running is not None else None
        chunk_digest = checksum.new_hash()
        hashes = [chunk_digest] if candidate is None else [chunk_digest, candidate]
        writer = _BlockWriter(self, self.key(user_id, upload_id), offset, on_durable=None)
        end = offset
        try:
            try:
                async for block in _blocks(chunks, self.block_bytes):
                    await asyncio.to_thread(_update_all, hashes, block)
                    end += len(block)
                    await writer.put(block)
            finally:
                await writer.drain()
        except BaseException:
            if running is not None:
                running_digests.put(digest_key, offset, running)
            raise
        if chunk_digest.digest() != checksum.digest:
            if running is not None:
                running_digests.put(digest_key, offset, running)
            raise ChecksumMismatch(f"{checksum.algorithm} mismatch on upload {upload_id} at {offset}")
        if candidate is not None:
            running_digests.put(digest_key, end, candidate)
        return end

    async def staged_bytes(self, user_id: str, upload_id: str) -> int:
        """How many bytes from offset 0 Azure holds for the upload, as a chain of blocks."""
        sizes = await self.blobs.block_sizes(self.key(user_id, upload_id))
        held = 0
        while size := sizes.get(held):
            held += size
        return held

    async def complete(self, user_id: str, upload_id: str, key: str, length: int) -> CompletedUpload:
        """Commit the chain of blocks up to ``length``; then digest (the running SHA-256, or the
        blob read back) and probe (through a short-lived SAS URL) side by side.

        The blob stays where it was staged (``key``, the plain upload's name, is not used): Azure
        cannot rename, and copying 2 GB would only be slower.
        """
        blob_key = self.key(user_id, upload_id)
        offsets = _chain(await self.blobs.block_sizes(blob_key), length, blob_key)
        running = running_digests.peek(self._digest_key(user_id, upload_id))
        sha256 = running[1].copy().hexdigest() if running is not None and running[0] == length else None
        uri = await self.blobs.commit_blocks(blob_key, offsets, {"sha256": sha256} if sha256 else {})
        digesting = self._read_back_sha256(uri) if sha256 is None else _ready(sha256)
        sha256, probe = await asyncio.gather(digesting, probe_blob(self.blobs, uri, length))
        return CompletedUpload(uri=uri, sha256=sha256, probe=probe)

    async def uncomplete(self, user_id: str, upload_id: str, key: str) -> None:
        """Recording the upload failed: the committed blob stays, so completing again commits the
        same blocks again (committed ones count as held); terminating or expiry deletes it."""

    async def finished(self, user_id: str, upload_id: str) -> None:
        """The upload is recorded; its blob is the recording now, so only the digest goes."""
        running_digests.forget(self._digest_key(user_id, upload_id))

    async def delete(self, user_id: str, upload_id: str) -> None:
        """Delete the upload's staged blocks and its blob, if committed; nothing there is fine."""
        running_digests.forget(self._digest_key(user_id, upload_id))
        await self.blobs.discard(self.key(user_id, upload_id))

    async def _read_back_sha256(self, uri: str) -> str:
        digest = hashlib.sha256()
        async for piece in self.blobs.read_chunks(uri):
            await asyncio.to_thread(digest.update, piece)
        return digest.hexdigest()


class _BlockWriter:
    """Stages blocks one after another from ``offset``, a few at a time, in order of offset.

    ``durable`` is the end of the blocks staged so far without a gap: a block that failed
    stops it there, whatever was staged after it.
    """

    def __init__(self, store: AzureTusStore, key: str, offset: int, on_durable: OnDurable | None) -> None:
        self._store = store
        self._key = key
        self._next = offset
        self._on_durable = on_durable
        self._reported = offset
        self._in_flight: deque[tuple[int, asyncio.Task[None]]] = deque()
        self._broken = False
        self.durable = offset

    async def put(self, block: bytes) -> None:
        while len(self._in_flight) >= self._store.staging_concurrency:
            await self._settle_oldest()
        slots = _staging_slots()
        await slots.acquire()
        try:
            task = asyncio.ensure_future(self._store.blobs.stage_block(self._key, self._next, block))
        except BaseException:
            slots.release()
            raise
        task.add_done_callback(lambda _task: slots.release())
        self._next += len(block)
        self._in_flight.append((self._next, task))

    async def _settle_oldest(self) -> None:
        end, task = self._in_flight.popleft()
        try:
            await task
        except BaseException:
            self._broken = True
            raise
        self.durable = end
        if self._on_durable is not None and self.durable - self._reported >= CHECKPOINT_BYTES:
            self._reported = self.durable
            await self._on_durable(self.durable)

    async def drain(self) -> None:
        """Wait for every block sent; raises the first failure after all of them are settled."""
        failure: BaseException | None = None
        while self._in_flight:
            end, task = self._in_flight.popleft()
            try:
                await task
            except BaseException as exc:  # the first failure is raised once all are settled
                failure = failure or exc
                self._broken = True
            if not self._broken:
                self.durable = end
        if failure is not None:
            raise failure


async def _blocks(chunks: AsyncIterator[bytes], block_bytes: int) -> AsyncIterator[bytes]:
    """The chunks joined into blocks of at least ``block_bytes`` (the last one shorter).

    When the stream raises, the bytes received so far are yielded first, then the error.
    """
    pending: list[bytes] = []
    pending_bytes = 0
    try:
        async for chunk in chunks:
            pending.append(chunk)
            pending_bytes += len(chunk)
            if pending_bytes >= block_bytes:
                block = b"".join(pending)
                pending.clear()
                pending_bytes = 0
                yield block
    except BaseException:
        if pending:
            yield b"".join(pending)
        raise
    if pending:
        yield b"".join(pending)


def _chain(sizes: dict[int, int], length: int, key: str) -> list[int]:
    """The offsets of the blocks that make bytes 0 to ``length``, each where the last one ends."""
    offsets: list[int] = []
    position = 0
    while position < length:
        size = sizes.get(position)
        if not size:
            raise BlobStoreError(f"{key}: no block staged at offset {position} of {length}")
        offsets.append(position)
        position += size
    if position != length:
        raise BlobStoreError(f"{key}: the staged blocks end at {position}, not at {length}")
    return offsets


async def _ready(value: str) -> str:
    return value


def _update_all(hashes: list[hashlib._Hash], block: bytes) -> None:
    for digest in hashes:
        digest.update(block)
