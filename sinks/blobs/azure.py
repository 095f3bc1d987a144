"""Recordings in Azure Blob Storage, behind the :class:`~sinks.blobs.store.BlobStore` contract.

Layout: one container (``recordings`` by default); a store key is the blob name verbatim, so
the gateway's ``uploads/{user_id}/{upload_id}/recording`` keys give the same tree as the local
store's directories. A blob's URI is its URL (``https://<account>.blob.core.windows.net/...``,
or Azurite's ``http://127.0.0.1:10000/devstoreaccount1/...``); it carries no credential.

Writes are block blobs: bytes are staged as blocks while they arrive and the block list is
committed at the end, so at most about one block is ever in memory and nothing goes to local
disk. A block's id is derived from its byte offset, and blocks start at multiples of the block
size, so staging the same range again (a retried request, a resumed upload) replaces that block
instead of adding one. Staged blocks that are never committed are discarded by Azure after a week.

A blob has no local path here: a decoder gets a download in :attr:`AzureBlobStore.temp_dir`, and
other processes read it through a read-only SAS URL (:meth:`AzureBlobStore.read_url`), which is
all the worker needs (:mod:`sinks.blobs.recordings`).
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
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.storage.blob import BlobBlock, BlobSasPermissions, generate_blob_sas
from azure.storage.blob.aio import BlobClient, BlobServiceClient

from sinks.blobs.store import READ_URL_LIFETIME, StoredBlob
from sinks.errors import BlobNotFound, BlobStoreError

DEFAULT_CONTAINER = "recordings"
#: 8 MiB blocks: 256 blocks for a 2 GB recording (Azure allows 50,000), few enough requests to
#: keep throughput, small enough to keep the gateway's memory flat.
DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
#: Downloads come in pieces this large, the first one included (the SDK's default first piece is
#: 32 MiB, held in memory).
DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024
#: SAS tokens start a little in the past: the reader's clock may be behind Azure's.
SAS_CLOCK_SKEW = timedelta(minutes=5)


_BLOCK_ID_PREFIX = "offset-"


class ReadUrlExpired(BlobStoreError):
    """A SAS URL that Azure refuses (expired, or signed with a key that was rotated)."""


def block_id(offset: int) -> str:
    """The id of the block that starts at ``offset``; every id of a blob has the same length."""
    # The SDK base64-encodes ids; Azure wants them equal in length within a blob.
    return f"{_BLOCK_ID_PREFIX}{offset:015d}"


def block_offset(identifier: str) -> int | None:
    """The offset a :func:`block_id` names; None for an id this module did not make."""
    digits = identifier.removeprefix(_BLOCK_ID_PREFIX)
    return int(digits) if digits != identifier and digits.isdigit() else None


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
        sdk_retries: int | None = None,
    ) -> AzureBlobStore:
        service = BlobServiceClient.from_connection_string(
            connection_string,
            max_single_get_size=DOWNLOAD_CHUNK_BYTES,
            max_chunk_get_size=DOWNLOAD_CHUNK_BYTES,
            **sdk_retry_options(sdk_retries),
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

    @property
    def uri_prefix(self) -> str:
        return self._container.url.rstrip("/") + "/"

    def _blob_for_uri(self, uri: str) -> BlobClient:
        prefix = self.uri_prefix
        if not uri.startswith(prefix):
            raise BlobStoreError(f"blob {uri!r} is not in container {self._container.url}")
        return self._blob_for_key(unquote(uri[len(prefix) :].split("?", 1)[0]))

    def uri_for_key(self, key: str) -> str:
        return self._blob_for_key(key).url

    def local_path(self, uri: str) -> None:
        """None: a blob is downloaded to be opened as a file (:meth:`open_local`)."""
        return None

    @property
    def temp_dir(self) -> Path | None:
        """Where downloads for decoders go (the system's temp dir when None)."""
        return self._temp_dir

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

    # -- blocks, for writers that stage a blob over many requests (tus) ----------------------

    async def stage_block(self, key: str, offset: int, data: bytes) -> None:
        """Stage ``data`` as the block that starts at ``offset`` (replacing one staged there)."""
        blob = self._blob_for_key(key)
        try:
            await self._stage(blob, offset, data)
        except AzureError as exc:
            raise BlobStoreError(f"staging a block of {blob.url} failed: {exc}") from exc

    async def block_sizes(self, key: str) -> dict[int, int]:
        """Offset → size of every block the blob has, committed or staged (a staged one wins)."""
        blob = self._blob_for_key(key)
        try:
            committed, uncommitted = await blob.get_block_list("all")
        except ResourceNotFoundError:
            return {}  # nothing staged yet
        except AzureError as exc:
            raise BlobStoreError(f"listing the blocks of {blob.url} failed: {exc}") from exc
        sizes: dict[int, int] = {}
        for block in [*committed, *uncommitted]:
            offset = block_offset(block.id)
            if offset is not None:
                sizes[offset] = block.size
        return sizes

    async def commit_blocks(self, key: str, offsets: list[int], metadata: dict[str, str]) -> str:
        """Make the blob the blocks starting at ``offsets``, in order; staged blocks not named
        are discarded by Azure. Returns the blob's URI."""
        blob = self._blob_for_key(key)
        try:
            await blob.commit_block_list(
                [BlobBlock(block_id(offset)) for offset in offsets], metadata=metadata
            )
        except AzureError as exc:
            raise BlobStoreError(f"committing {blob.url} failed: {exc}") from exc
        return blob.url

    async def discard(self, key: str) -> None:
        """Delete the blob and any block staged for it; nothing there is not an error.

        Azure keeps uncommitted blocks of a blob that was never committed out of reach of
        a delete: committing an empty list first drops them, then the (empty) blob goes.
        """
        blob = self._blob_for_key(key)
        try:
            await blob.commit_block_list([])
            await blob.delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            pass
        except AzureError as exc:
            raise BlobStoreError(f"deleting {blob.url} failed: {exc}") from exc

    async def read_chunks(self, uri: str) -> AsyncIterator[bytes]:
        """The blob's bytes in pieces of :data:`DOWNLOAD_CHUNK_BYTES`, never more in memory."""
        blob = self._blob_for_uri(uri)
        try:
            downloader = await blob.download_blob()
            async for piece in downloader.chunks():
                yield piece
        except ResourceNotFoundError as exc:
            raise BlobNotFound(f"no blob at {uri}") from exc
        except AzureError as exc:
            raise BlobStoreError(f"reading {uri} failed: {exc}") from exc

    def open_local(self, uri: str) -> AbstractAsyncContextManager[Path]:
        return self._open_local(uri)

    @asynccontextmanager
    async def _open_local(self, uri: str) -> AsyncIterator[Path]:
        async with _downloaded(self._blob_for_uri(uri), uri, self._temp_dir) as path:
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

    def read_url(self, uri: str, lifetime: timedelta = READ_URL_LIFETIME) -> str:
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


# -- readers holding only a SAS URL (the workers), no account key ----------------------------


def redacted(url: str) -> str:
    """``url`` without its query: what may go to a log or an error message."""
    return url.split("?", 1)[0]


def sdk_retry_options(retries: int | None) -> dict[str, Any]:
    """The Azure SDK's own retries: its defaults (3, the first after 15 s) when None, else
    ``retries`` with short waits; 0 for a caller whose own retry policy is around the call, so
    retries do not multiply and an unreachable store is known in a moment."""
    if retries is None:
        return {}
    return {"retry_total": retries, "initial_backoff": 0.5, "increment_base": 2}


def open_read_url(
    url: str, temp_dir: Path | None = None, sdk_retries: int | None = None
) -> AbstractAsyncContextManager[Path]:
    """The blob behind a SAS URL as a local file (removed afterwards); :class:`ReadUrlExpired`
    when Azure refuses the SAS, :class:`BlobNotFound` when the blob is gone."""
    return _open_read_url(url, temp_dir, sdk_retries)


@asynccontextmanager
async def _open_read_url(url: str, temp_dir: Path | None, sdk_retries: int | None) -> AsyncIterator[Path]:
    async with (
        BlobClient.from_blob_url(
            url,
            max_single_get_size=DOWNLOAD_CHUNK_BYTES,
            max_chunk_get_size=DOWNLOAD_CHUNK_BYTES,
            **sdk_retry_options(sdk_retries),
        ) as blob,
        _downloaded(blob, redacted(url), temp_dir) as path,
    ):
        yield path


async def read_url_exists(url: str, sdk_retries: int | None = None) -> bool:
    """Whether the blob behind a SAS URL is still stored; :class:`ReadUrlExpired` when refused."""
    async with BlobClient.from_blob_url(url, **sdk_retry_options(sdk_retries)) as blob:
        try:
            return bool(await blob.exists())
        except AzureError as exc:
            raise _sas_error(exc, redacted(url)) from exc


@asynccontextmanager
async def _downloaded(blob: BlobClient, uri: str, temp_dir: Path | None) -> AsyncIterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ib-blob-", dir=temp_dir) as directory:
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
            raise _sas_error(exc, uri) from exc
        yield path


def _sas_error(exc: AzureError, uri: str) -> BlobStoreError:
    # A SAS past its expiry is answered 403 AuthenticationFailed (the SDK may raise it as
    # either class); the message names the blob without the token.
    if isinstance(exc, ClientAuthenticationError) or (
        isinstance(exc, HttpResponseError) and exc.status_code == 403
    ):
        return ReadUrlExpired(f"Azure refused the read URL of {uri} (expired?)")
    # Only the kind and status: an SDK message may quote the request, and with it the token.
    status = getattr(exc, "status_code", None)
    return BlobStoreError(f"reading {uri} failed: {type(exc).__name__} (HTTP {status})")


def _write(file: BinaryIO, data: bytes) -> None:
    file.write(data)
