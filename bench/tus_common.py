"""What the tus benches share: recordings made at run time, the servers, one streaming client.

- :func:`make_recording` writes a real WAV (header + 16-bit PCM noise) of an exact size, its
  content distinct per seed, so the gateway's format check, probe and duplicate link see an
  ordinary, new recording.
- :func:`start_gateway` runs ``python -m gateway`` as the stack does (INFO logging, its own
  run directory and topic prefix, the local stack's PostgreSQL and Kafka), with the local
  store or Azure Blob on Azurite; :func:`start_tusd` runs the reference Go server (installed
  by ``bench/install_tusd.sh``) with its file store or its Azure store on Azurite.
- :class:`TusClient` is the one client that drives every server: creation, then PATCH
  requests of ``chunk_bytes`` streamed from the file in 1 MiB blocks, never the whole file
  (or a whole chunk) in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from azure.storage.blob.aio import BlobServiceClient

from dev.service_processes import ServiceProcess, free_port, gateway_process, new_prefix
from dev.stack.config import REPO_ROOT
from gateway.auth import DevIssuer
from gateway.settings import Settings
from topics.admin import delete_prefixed_topics

MB = 1024 * 1024
TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
TUSD = REPO_ROOT / ".cache" / "bin" / "tusd"
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_BLOB_URL = f"http://127.0.0.1:{os.environ.get('IB_AZURITE_BLOB_PORT', '10000')}/{AZURITE_ACCOUNT}"
AZURITE_CONSTANTS = REPO_ROOT / "dev/azurite/node_modules/azurite/dist/src/blob/utils/constants.js"
WAV_HEADER_BYTES = 44
BLOCK_BYTES = MB


# --- recordings -------------------------------------------------------------------------------


def wav_header(size: int, rate: int = 16_000) -> bytes:
    """The 44-byte header of a mono 16-bit PCM WAV file that is ``size`` bytes long."""
    data_bytes = size - WAV_HEADER_BYTES
    assert data_bytes > 0 and data_bytes % 2 == 0, "a 16-bit WAV holds whole samples"
    return (
        b"RIFF"
        + struct.pack("<I", size - 8)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def make_recording(path: Path, size: int, seed: int) -> str:
    """Write a WAV of ``size`` bytes of noise drawn from ``seed``; returns its SHA-256."""
    noise = random.Random(seed)
    digest = hashlib.sha256()
    with path.open("wb") as file:
        head = wav_header(size)
        file.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            block = noise.randbytes(min(left, 4 * MB))
            file.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(4 * MB):
            digest.update(block)
    return digest.hexdigest()


# --- the client -------------------------------------------------------------------------------


class TusError(RuntimeError):
    pass


@dataclass
class TusClient:
    """A plain tus 1.0.0 client over httpx: creation, PATCH with ``Upload-Offset``, HEAD."""

    client: httpx.AsyncClient
    endpoint: str  # the creation URL, e.g. http://127.0.0.1:8000/uploads/
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, **self.headers, **extra}

    async def create(self, length: int, metadata: dict[str, str]) -> str:
        """Create an upload of ``length`` bytes; returns its URL."""
        import base64

        encoded = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items()
        )
        response = await self.client.post(
            self.endpoint, headers=self._headers(**{"Upload-Length": str(length), "Upload-Metadata": encoded})
        )
        if response.status_code != 201:
            raise TusError(f"creation answered {response.status_code}: {response.text[:200]}")
        return str(httpx.URL(self.endpoint).join(response.headers["Location"]))

    async def offset(self, url: str) -> int:
        response = await self.client.head(url, headers=self._headers())
        if response.status_code != 200:
            raise TusError(f"HEAD answered {response.status_code}")
        return int(response.headers["Upload-Offset"])

    async def patch(self, url: str, path: Path, offset: int, length: int) -> int:
        """Send ``length`` bytes of ``path`` from ``offset``; returns the server's new offset."""
        response = await self.client.patch(
            url,
            headers=self._headers(
                **{
                    "Upload-Offset": str(offset),
                    "Content-Type": OFFSET_CONTENT_TYPE,
                    "Content-Length": str(length),
                }
            ),
            content=file_blocks(path, offset, length),
        )
        if response.status_code != 204:
            raise TusError(f"PATCH at {offset} answered {response.status_code}: {response.text[:200]}")
        return int(response.headers["Upload-Offset"])

    async def upload_rest(self, url: str, path: Path, offset: int, size: int, chunk_bytes: int) -> None:
        """PATCH chunk after chunk from ``offset`` to the end."""
        while offset < size:
            offset = await self.patch(url, path, offset, min(chunk_bytes, size - offset))

    async def upload(self, path: Path, chunk_bytes: int, metadata: dict[str, str]) -> str:
        """The whole file, from creation to the last PATCH's 204; returns the upload's URL."""
        size = path.stat().st_size
        url = await self.create(size, metadata)
        await self.upload_rest(url, path, 0, size, chunk_bytes)
        return url


async def file_blocks(path: Path, offset: int, length: int) -> AsyncIterator[bytes]:
    """``length`` bytes of ``path`` from ``offset``, one 1 MiB block at a time."""
    with path.open("rb") as file:
        file.seek(offset)
        while length > 0:
            block = file.read(min(BLOCK_BYTES, length))
            if not block:
                raise TusError(f"{path} ended {length} bytes early")
            length -= len(block)
            yield block


def new_client(max_connections: int = 10) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(timeout=httpx.Timeout(300.0), limits=limits)


# --- the servers ------------------------------------------------------------------------------


def azurite_connection_string() -> str:
    """The development account on the Azurite the tests use (key read from Azurite itself)."""
    try:
        httpx.get(AZURITE_BLOB_URL, timeout=2.0)
    except httpx.TransportError as exc:
        raise SystemExit(f"Azurite does not answer at {AZURITE_BLOB_URL}: dev/azurite/run.sh start") from exc
    match = re.search(r'EMULATOR_ACCOUNT_KEY_STR = "([^"]+)"', AZURITE_CONSTANTS.read_text())
    assert match, f"no account key in {AZURITE_CONSTANTS}"
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
        f"AccountKey={match.group(1)};BlobEndpoint={AZURITE_BLOB_URL};"
    )


def azurite_account_key(connection_string: str) -> str:
    match = re.search(r"AccountKey=([^;]+)", connection_string)
    assert match
    return match.group(1)


async def delete_container(connection_string: str, container: str) -> None:
    async with BlobServiceClient.from_connection_string(connection_string) as service:
        with contextlib.suppress(Exception):
            await service.delete_container(container)


@dataclass
class Gateway:
    process: ServiceProcess
    issuer: DevIssuer
    store: str
    blob_root: Path
    container: str | None = None

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid

    def auth(self, user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(user_id)}"}

    async def new_interview(self, client: httpx.AsyncClient, user_id: str) -> tuple[str, dict[str, str]]:
        """A fresh interview of ``user_id``: its id and the user's auth header."""
        auth = self.auth(user_id)
        response = await client.post(f"{self.url}/interviews", json={"company": "Bench"}, headers=auth)
        response.raise_for_status()
        return str(response.json()["interview_id"]), auth

    async def recording(
        self, client: httpx.AsyncClient, interview_id: str, auth: dict[str, str]
    ) -> dict[str, object]:
        response = await client.get(f"{self.url}/interviews/{interview_id}", headers=auth)
        response.raise_for_status()
        recording = response.json()["recording"]
        if recording is None:
            raise TusError(f"interview {interview_id} has no recording")
        return dict(recording)

    def staged_path(self, user_id: str, upload_url: str) -> Path:
        """Where the local tus store keeps an unfinished upload's bytes."""
        from urllib.parse import quote

        return self.blob_root / "uploads" / quote(user_id, safe="") / upload_url.rsplit("/", 1)[1] / "data"


@contextlib.contextmanager
def start_gateway(work_dir: Path, store: str = "local", label: str = "gateway") -> Iterator[Gateway]:
    """``python -m gateway`` with the local store or Azure Blob on Azurite; stopped and cleaned after."""
    settings = Settings()
    run_dir, prefix = work_dir / f"{label}-run", new_prefix()
    process = gateway_process(
        prefix, run_dir, settings.kafka_bootstrap, settings.database_url.get_secret_value()
    )
    container = None
    connection_string = ""
    if store == "azure":
        connection_string = azurite_connection_string()
        container = f"bench-{prefix.strip('-')}"
        process.extra_env.update(
            IB_BLOB_STORE="azure",
            IB_AZURE_STORAGE_CONNECTION_STRING=connection_string,
            IB_AZURE_BLOB_CONTAINER=container,
        )
    try:
        process.start()
        gateway_settings = Settings(run_dir=run_dir)
        issuer = DevIssuer(
            gateway_settings.auth_dir, gateway_settings.auth_issuer, gateway_settings.auth_audience
        )
        yield Gateway(process, issuer, store, gateway_settings.blob_root, container)
    finally:
        process.stop()
        asyncio.run(delete_prefixed_topics(settings.kafka_bootstrap, prefix))
        if container is not None:
            asyncio.run(delete_container(connection_string, container))


@dataclass
class Tusd:
    process: subprocess.Popen[bytes]
    url: str  # the creation endpoint
    upload_dir: Path
    container: str | None = None


@contextlib.contextmanager
def start_tusd(work_dir: Path, store: str = "file", label: str = "tusd") -> Iterator[Tusd]:
    """tusd on a free loopback port: its file store in ``work_dir``, or its Azure store on Azurite."""
    if not TUSD.exists():
        raise SystemExit(f"no tusd at {TUSD}: run bench/install_tusd.sh")
    port, upload_dir = free_port(), work_dir / f"{label}-data"
    upload_dir.mkdir(parents=True, exist_ok=True)
    command = [str(TUSD), "-host", "127.0.0.1", "-port", str(port), "-base-path", "/files/"]
    env = dict(os.environ)
    container = None
    connection_string = ""
    if store == "azure":
        connection_string = azurite_connection_string()
        container = f"bench-tusd-{os.urandom(4).hex()}"
        command += ["-azure-storage", container, "-azure-endpoint", AZURITE_BLOB_URL]
        env.update(
            AZURE_STORAGE_ACCOUNT=AZURITE_ACCOUNT, AZURE_STORAGE_KEY=azurite_account_key(connection_string)
        )
    else:
        command += ["-upload-dir", str(upload_dir)]
    try:
        with _serving(command, env, f"http://127.0.0.1:{port}/files/", work_dir / f"{label}.log") as process:
            yield Tusd(process, f"http://127.0.0.1:{port}/files/", upload_dir, container)
    finally:
        if container is not None:
            asyncio.run(delete_container(connection_string, container))


@contextlib.contextmanager
def start_bare_tus(work_dir: Path, label: str = "bare-tus") -> Iterator[Tusd]:
    """The ceiling: a bare Python ASGI tus server on uvicorn (``bench.bare_tus``), file store."""
    port, upload_dir = free_port(), work_dir / f"{label}-data"
    command = [sys.executable, "-m", "bench.bare_tus", "--port", str(port), "--upload-dir", str(upload_dir)]
    url = f"http://127.0.0.1:{port}/files/"
    with _serving(command, dict(os.environ), url, work_dir / f"{label}.log") as process:
        yield Tusd(process, url, upload_dir)


@contextlib.contextmanager
def _serving(
    command: list[str], env: dict[str, str], url: str, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running until the block ends, once ``url`` answers OPTIONS."""
    log = log_path.open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.options(url, timeout=1.0).status_code in (200, 204):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} did not start; see {log_path}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


# --- memory -----------------------------------------------------------------------------------


class PeakRss:
    """Samples a process's resident set every 20 ms in a thread; ``peak`` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self.peak = 0
        self.start = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def high_water_mark(self) -> int:
        """The kernel's own peak (VmHWM), which no sampling interval can miss."""
        for line in Path(f"/proc/{self._process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0
