"""Recordings in Azure Blob Storage, behind the same :class:`~sinks.blob_store.BlobStore` contract.

Layout: one container (``recordings`` by default); a store key is the blob name verbatim, so
the gateway's ``uploads/{user_id}/{upload_id}/recording`` keys give the same tree as the local
store's directories. A blob's URI is its URL (``https://<account>.blob.core.windows.net/...``,
or Azurite's ``http://127.0.0.1:10000/devstoreaccount1/...``); it carries no credential.

Writes are block blobs: bytes are staged as blocks while they arrive and the block list is
committed at the end, so at most about one block is ever in memory and nothing goes to local
disk. A block's id is derived from its byte offset, and blocks start at multiples of the block
size, so staging the same range again (a retried request, a resumed upload) replaces that block
instead of adding one. Staged blocks that are never committed are discarded by Azure after a week.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import tempfile
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import quote, unquote

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobBlock, BlobSasPermissions, generate_blob_sas
from azure.storage.blob.aio import BlobClient, BlobServiceClient

from sinks.blob_store import StoredBlob
from sinks.errors import BlobNotFound, BlobStoreError

DEFAULT_CONTAINER = "recordings"
#: 8 MiB blocks: 256 blocks for a 2 GB recording (Azure allows 50,000), few enough requests to
#: keep throughput, small enough to keep the gateway's memory flat.
DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
#: Downloads come in pieces this large, the first one included (the SDK's default first piece is
#: 32 MiB, held in memory).
DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024
SAS_LIFETIME = timedelta(hours=24)
#: SAS tokens start a little in the past: the reader's clock may be behind Azure's.
SAS_CLOCK_SKEW = timedelta(minutes=5)


def block_id(offset: int) -> str:
    """The id of the block that starts at ``offset``; every id of a blob has the same length."""
    # The SDK base64-encodes ids; Azure wants them equal in length within a blob.
    return f"offset-{offset:015d}"


class AzureBlobStore:
    """Blobs in one container of an Azure Storage account."""

    def __init__(
        self,
        service: BlobServiceClient,
        container: str = DEFAULT_CONTAINER,
        *,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
        temp_dir: Path | None = None,
    ) -> None:
        self._service = service
        self._container = service.get_container_client(container)
        self.container = container
        self.block_bytes = block_bytes
        self._temp_dir = temp_dir

    @classmethod
    def from_connection_string(
        cls,
        connection_string: str,
        container: str = DEFAULT_CONTAINER,
        *,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
        temp_dir: Path | None = None,
    ) -> AzureBlobStore:
        service = BlobServiceClient.from_connection_string(
            connection_string,
            max_single_get_size=DOWNLOAD_CHUNK_BYTES,
            max_chunk_get_size=DOWNLOAD_CHUNK_BYTES,
        )
        return cls(service, container, block_bytes=block_bytes, temp_dir=temp_dir)

    async def open(self) -> None:
        """Create the container when it does not exist yet."""
        try:
            await self._container.create_container()
        except ResourceExistsError:
            pass
        except AzureError as exc:
            raise BlobStoreError(f"cannot open container {self.container!r}: {exc}") from exc

    async def close(self) -> None:
        await self._service.close()

    async def __aenter__(self) -> AzureBlobStore:
        await self.open()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- keys and URIs --------------------------------------------------------------------

    def _blob_for_key(self, key: str) -> BlobClient:
        name = PurePosixPath(key)
        if name.is_absolute() or ".." in name.parts or not name.parts or str(name) != key:
            raise BlobStoreError(f"invalid blob key {key!r}")
        return self._container.get_blob_client(key)

    def _blob_for_uri(self, uri: str) -> BlobClient:
        prefix = self._container.url.rstrip("/") + "/"
        if not uri.startswith(prefix):
            raise BlobStoreError(f"blob {uri!r} is not in container {self._container.url}")
        return self._blob_for_key(unquote(uri[len(prefix) :].split("?", 1)[0]))

    def uri_for_key(self, key: str) -> str:
        return self._blob_for_key(key).url

    # -- BlobStore ------------------------------------------------------------------------

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes]) -> StoredBlob:
        blob = self._blob_for_key(key)
        digest = hashlib.sha256()
        offset = 0  # where the block being filled starts
        pending = bytearray()
        try:
            async for chunk in chunks:
                digest.update(chunk)
                pending += chunk
                while len(pending) >= self.block_bytes:
                    await self._stage(blob, offset, bytes(pending[: self.block_bytes]))
                    del pending[: self.block_bytes]
                    offset += self.block_bytes
            if pending:
                await self._stage(blob, offset, bytes(pending))
            size = offset + len(pending)
            pending.clear()
            sha256 = digest.hexdigest()
            blocks = [BlobBlock(block_id(start)) for start in range(0, size, self.block_bytes)]
            # An empty list commits an empty blob: a 0-byte recording is stored like any other.
            await blob.commit_block_list(blocks, metadata={"sha256": sha256})
        except AzureError as exc:
            raise BlobStoreError(f"writing {blob.url} failed: {exc}") from exc
        return StoredBlob(uri=blob.url, size=size, sha256=sha256)

    async def _stage(self, blob: BlobClient, offset: int, data: bytes) -> None:
        # A stream, not bytes: aiohttp sends large bytes bodies in one go on the event loop (and
        # warns); the SDK rewinds the stream when its retry policy sends the block again.
        await blob.stage_block(block_id(offset), io.BytesIO(data), length=len(data))

    def open_local(self, uri: str) -> AbstractAsyncContextManager[Path]:
        return self._open_local(uri)

    @asynccontextmanager
    async def _open_local(self, uri: str) -> AsyncIterator[Path]:
        blob = self._blob_for_uri(uri)
        with tempfile.TemporaryDirectory(prefix="ib-blob-", dir=self._temp_dir) as directory:
            # The blob's own file name: decoders may look at the extension.
            path = Path(directory) / PurePosixPath(blob.blob_name).name
            try:
                downloader = await blob.download_blob()
                with path.open("wb") as file:
                    async for piece in downloader.chunks():
                        await asyncio.to_thread(_write, file, piece)
            except ResourceNotFoundError as exc:
                raise BlobNotFound(f"no blob at {uri}") from exc
            except AzureError as exc:
                raise BlobStoreError(f"reading {uri} failed: {exc}") from exc
            yield path

    async def delete(self, uri: str) -> None:
        blob = self._blob_for_uri(uri)
        try:
            await blob.delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            pass
        except AzureError as exc:
            raise BlobStoreError(f"deleting {uri} failed: {exc}") from exc

    async def exists(self, uri: str) -> bool:
        blob = self._blob_for_uri(uri)
        try:
            return bool(await blob.exists())
        except AzureError as exc:
            raise BlobStoreError(f"checking {uri} failed: {exc}") from exc

    # -- internal readers -----------------------------------------------------------------

    def read_url(self, uri: str, lifetime: timedelta = SAS_LIFETIME) -> str:
        """A read-only SAS URL for internal readers (never for users), valid for ``lifetime``."""
        blob = self._blob_for_uri(uri)
        credential = self._service.credential
        account_key = getattr(credential, "account_key", None)
        if not account_key:
            raise BlobStoreError("SAS URLs need the account key: configure a connection string with one")
        now = datetime.now(UTC)
        token = generate_blob_sas(
            account_name=blob.account_name or "",
            container_name=self.container,
            blob_name=blob.blob_name,
            account_key=account_key,
            permission=BlobSasPermissions(read=True),
            start=now - SAS_CLOCK_SKEW,
            expiry=now + lifetime,
        )
        return f"{self._container.url}/{quote(blob.blob_name)}?{token}"


def _write(file: BinaryIO, data: bytes) -> None:
    file.write(data)
