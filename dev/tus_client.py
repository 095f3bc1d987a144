"""A small tus 1.0.0 client on httpx for `ib analyze`, and the state that lets a rerun resume.

Only what the CLI needs: creation, HEAD for the offset, PATCH in checksummed chunks streamed
from the file. The resume state is a JSON file mapping a local file (and where it was going)
to its interview and upload URL, so running the same command again continues the upload.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
#: How much of the file is read at a time, both to hash a chunk and to stream it.
READ_BYTES = 256 * 1024
#: A PATCH refused with 409/423 right after an interrupted run: the server may still be
#: recording the cut request's bytes, so ask HEAD again this many times before giving up.
OFFSET_RETRIES = 5
RETRY_BACKOFF_SECONDS = 0.5

Progress = Callable[[int], None]


class TusError(Exception):
    """The server refused a tus request; ``message`` is its error message when it sent one."""

    def __init__(self, method: str, status_code: int, message: str) -> None:
        super().__init__(f"{method} upload: {status_code} {message}")
        self.status_code = status_code


@dataclass(frozen=True)
class UploadState:
    offset: int
    length: int | None
    #: The server keeps ``Upload-Expires`` only while the upload is unfinished.
    completed: bool


# --- chunk planning ----------------------------------------------------------------------


def plan_chunks(offset: int, size: int, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> list[tuple[int, int]]:
    """The (start, length) of each PATCH that sends bytes ``offset..size`` of the file."""
    if chunk_bytes <= 0:
        raise ValueError(f"chunk size {chunk_bytes} must be positive")
    if not 0 <= offset <= size:
        raise ValueError(f"offset {offset} outside a file of {size} bytes")
    return [(start, min(chunk_bytes, size - start)) for start in range(offset, size, chunk_bytes)]


def _read_range(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(start)
        remaining = length
        while remaining:
            block = file.read(min(READ_BYTES, remaining))
            if not block:
                raise OSError(f"{path} shrank while it was being uploaded")
            remaining -= len(block)
            yield block


def chunk_checksum(path: Path, start: int, length: int) -> str:
    """``Upload-Checksum`` for one chunk, hashed block by block so the chunk is never in memory."""
    digest = hashlib.sha256()
    for block in _read_range(path, start, length):
        digest.update(block)
    return f"sha256 {base64.b64encode(digest.digest()).decode('ascii')}"


# --- the protocol --------------------------------------------------------------------------


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode('utf-8')).decode('ascii')}" for key, value in metadata.items()
    )


def _error(response: httpx.Response) -> TusError:
    response.read()
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text or response.reason_phrase
    return TusError(response.request.method, response.status_code, message)


class TusClient:
    """tus requests through ``client``, whose base URL is the gateway and which carries the token."""

    def __init__(self, client: httpx.Client, uploads_path: str = "/uploads/") -> None:
        self.client = client
        self.uploads_path = uploads_path

    def _headers(self, **headers: str) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, **headers}

    def create(self, length: int, metadata: dict[str, str]) -> str:
        """A new upload of ``length`` bytes; returns its URL (``Location``)."""
        response = self.client.post(
            self.uploads_path,
            headers=self._headers(
                **{"Upload-Length": str(length), "Upload-Metadata": encode_metadata(metadata)}
            ),
        )
        if response.status_code != 201:
            raise _error(response)
        return str(response.url.join(response.headers["Location"]))

    def offset(self, url: str) -> UploadState | None:
        """Where the upload stands (HEAD); None when the server no longer has it (404, 410)."""
        response = self.client.head(url, headers=self._headers())
        if response.status_code in (404, 410):
            return None
        if response.status_code != 200:
            raise _error(response)
        length = response.headers.get("Upload-Length")
        return UploadState(
            offset=int(response.headers["Upload-Offset"]),
            length=None if length is None else int(length),
            completed="Upload-Expires" not in response.headers,
        )

    def _patch(self, url: str, path: Path, start: int, length: int, progress: Progress | None) -> int:
        def body() -> Iterator[bytes]:
            sent = start
            for block in _read_range(path, start, length):
                yield block
                sent += len(block)
                if progress is not None:
                    progress(sent)

        response = self.client.patch(
            url,
            content=body(),
            headers=self._headers(
                **{
                    "Content-Type": OFFSET_CONTENT_TYPE,
                    "Content-Length": str(length),
                    "Upload-Offset": str(start),
                    "Upload-Checksum": chunk_checksum(path, start, length),
                }
            ),
            # Writing a chunk over a slow uplink may take long; the answer then comes quickly.
            timeout=httpx.Timeout(60.0, write=None),
        )
        if response.status_code != 204:
            raise _error(response)
        return int(response.headers["Upload-Offset"])

    def upload_from(
        self,
        url: str,
        path: Path,
        offset: int,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        progress: Progress | None = None,
        on_chunk: Progress | None = None,
    ) -> int:
        """Send ``path`` from ``offset`` to its end; returns the final offset.

        ``progress`` gets the position after each block handed to the connection (for a bar);
        ``on_chunk`` gets the server's offset after each accepted PATCH.
        """
        size = path.stat().st_size
        if offset == size:
            # Everything arrived but the hand-over may have failed: an empty PATCH retries it.
            return self._patch(url, path, offset, 0, progress)
        retries = 0
        while offset < size:
            start, length = plan_chunks(offset, size, chunk_bytes)[0]
            try:
                offset = self._patch(url, path, start, length, progress)
            except TusError as exc:
                if exc.status_code not in (409, 423) or retries >= OFFSET_RETRIES:
                    raise
                retries += 1
                time.sleep(RETRY_BACKOFF_SECONDS * retries)
                state = self.offset(url)
                if state is None:
                    raise
                offset = state.offset
                continue
            retries = 0
            if on_chunk is not None:
                on_chunk(offset)
        return offset


# --- resume state --------------------------------------------------------------------------


def resume_key(path: Path, gateway_url: str, user: str) -> str:
    """Which upload a file belongs to: the same bytes, sent to the same gateway, by the same user.

    Size and mtime stand for "the same bytes": hashing a 2 GB file just to find its entry would
    cost more than the upload it saves.
    """
    stat = path.stat()
    return json.dumps(
        [str(path.resolve()), stat.st_size, stat.st_mtime_ns, gateway_url.rstrip("/"), user],
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class ResumeEntry:
    interview_id: str
    upload_url: str


class ResumeStore:
    """``uploads.json``: resume key -> interview and upload URL of an unfinished upload."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def under(cls, run_dir: Path) -> ResumeStore:
        return cls(run_dir / "client" / "uploads.json")

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            return {}  # a damaged file only costs a fresh upload
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed, so an interrupted run never leaves half a file.
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.path)

    def get(self, key: str) -> ResumeEntry | None:
        entry = self._load().get(key)
        try:
            return None if entry is None else ResumeEntry(entry["interview_id"], entry["upload_url"])
        except (KeyError, TypeError):
            return None

    def put(self, key: str, entry: ResumeEntry) -> None:
        data = self._load()
        data[key] = asdict(entry)
        self._save(data)

    def remove(self, key: str) -> None:
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)


# --- one file, resumed when it can be ----------------------------------------------------


def file_metadata(path: Path, interview_id: str) -> dict[str, str]:
    filetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"interview_id": interview_id, "filename": path.name, "filetype": filetype}


def resumable_upload(
    tus: TusClient,
    store: ResumeStore,
    key: str,
    path: Path,
    new_interview: Callable[[], str],
    *,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    on_start: Callable[[int, int], None] | None = None,
    progress: Progress | None = None,
    on_chunk: Progress | None = None,
) -> str:
    """Upload ``path`` into an interview, continuing the stored upload when the server still has it.

    ``new_interview`` is called only when there is nothing to resume. ``on_start`` gets the
    offset the upload starts at and the file's size. Returns the interview id.
    """
    size = path.stat().st_size
    entry = store.get(key)
    state = tus.offset(entry.upload_url) if entry is not None else None
    if entry is None or state is None or state.length != size:
        # Nothing stored, or the server expired/terminated it: start afresh.
        interview_id = new_interview()
        entry = ResumeEntry(interview_id, tus.create(size, file_metadata(path, interview_id)))
        store.put(key, entry)  # before any byte goes out, so even the first chunk can resume
        state = UploadState(offset=0, length=size, completed=False)
    if on_start is not None:
        on_start(state.offset, size)
    if not state.completed:
        tus.upload_from(
            entry.upload_url,
            path,
            state.offset,
            chunk_bytes=chunk_bytes,
            progress=progress,
            on_chunk=on_chunk,
        )
    store.remove(key)
    return entry.interview_id
