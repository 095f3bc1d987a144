"""The tus client's pure parts: chunk planning, checksums, metadata and the resume state."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from dev.tus_client import (
    ResumeEntry,
    ResumeStore,
    chunk_checksum,
    encode_metadata,
    file_metadata,
    plan_chunks,
    resume_key,
)
from gateway.tus import protocol

GATEWAY = "http://127.0.0.1:8000"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "entretien é.wav"
    path.write_bytes(os.urandom(10_000))
    return path


# --- chunk planning ----------------------------------------------------------------------


def test_chunks_cover_the_file_from_the_offset() -> None:
    assert plan_chunks(0, 25, 10) == [(0, 10), (10, 10), (20, 5)]
    assert plan_chunks(13, 25, 10) == [(13, 10), (23, 2)]


def test_an_exact_multiple_has_no_empty_chunk() -> None:
    assert plan_chunks(0, 20, 10) == [(0, 10), (10, 10)]


def test_nothing_left_plans_nothing() -> None:
    assert plan_chunks(25, 25, 10) == []


def test_the_default_chunk_is_8_mb() -> None:
    assert plan_chunks(0, 20 * 1024**2) == [
        (0, 8 * 1024**2),
        (8 * 1024**2, 8 * 1024**2),
        (16 * 1024**2, 4 * 1024**2),
    ]


@pytest.mark.parametrize(("offset", "size", "chunk"), [(-1, 10, 5), (11, 10, 5), (0, 10, 0)])
def test_impossible_plans_are_refused(offset: int, size: int, chunk: int) -> None:
    with pytest.raises(ValueError):
        plan_chunks(offset, size, chunk)


def test_a_chunk_checksum_is_the_sha256_of_its_bytes(recording: Path) -> None:
    data = recording.read_bytes()
    header = chunk_checksum(recording, 1000, 5000)
    parsed = protocol.parse_checksum(header)  # what the gateway will read
    assert parsed is not None
    assert (parsed.algorithm, parsed.digest) == ("sha256", hashlib.sha256(data[1000:6000]).digest())


def test_metadata_is_what_the_gateway_reads(recording: Path) -> None:
    metadata = file_metadata(recording, "interview-1")
    parsed = protocol.parse_metadata(encode_metadata(metadata))
    texts = {key: protocol.metadata_text(parsed, key) for key in parsed}
    # audio/wav or audio/x-wav, depending on the system's MIME table: the gateway sniffs anyway.
    assert texts | {"filetype": None} == {
        "interview_id": "interview-1",
        "filename": "entretien é.wav",
        "filetype": None,
    }
    assert str(texts["filetype"]).startswith("audio/")
    assert base64.b64decode(encode_metadata({"a": "b"}).split(" ")[1]) == b"b"


# --- resume keying -----------------------------------------------------------------------


def test_the_same_file_has_the_same_key_by_any_path(recording: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(recording.parent)
    assert resume_key(Path(recording.name), GATEWAY, "ana") == resume_key(recording, GATEWAY + "/", "ana")


def test_another_gateway_or_user_is_another_key(recording: Path) -> None:
    key = resume_key(recording, GATEWAY, "ana")
    assert resume_key(recording, "http://gateway.example", "ana") != key
    assert resume_key(recording, GATEWAY, "bob") != key


def test_a_changed_file_is_another_key(recording: Path) -> None:
    key = resume_key(recording, GATEWAY, "ana")
    stat = recording.stat()
    os.utime(recording, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = resume_key(recording, GATEWAY, "ana")
    assert touched != key
    with recording.open("ab") as file:
        file.write(b"more")
    os.utime(recording, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same mtime, new size
    assert resume_key(recording, GATEWAY, "ana") not in (key, touched)


# --- resume state ------------------------------------------------------------------------


def test_the_store_keeps_an_entry_until_removed(tmp_path: Path, recording: Path) -> None:
    store = ResumeStore.under(tmp_path / "run")
    assert store.path == tmp_path / "run" / "client" / "uploads.json"
    key = resume_key(recording, GATEWAY, "ana")
    other = resume_key(recording, GATEWAY, "bob")
    assert store.get(key) is None  # no file yet
    entry = ResumeEntry("interview-1", f"{GATEWAY}/uploads/abc")
    store.put(key, entry)
    store.put(other, ResumeEntry("interview-2", f"{GATEWAY}/uploads/def"))
    assert ResumeStore(store.path).get(key) == entry  # read back from the file
    store.remove(key)
    assert store.get(key) is None
    assert store.get(other) == ResumeEntry("interview-2", f"{GATEWAY}/uploads/def")
    assert [path.name for path in store.path.parent.iterdir()] == ["uploads.json"]  # no temporary left


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"k": {"interview_id": "x"}}'])
def test_a_damaged_state_file_means_nothing_to_resume(tmp_path: Path, content: str) -> None:
    store = ResumeStore(tmp_path / "uploads.json")
    store.path.write_text(content)
    assert store.get("k") is None
    store.put("k", ResumeEntry("interview-1", "http://x/uploads/1"))  # and it is replaced
    assert store.get("k") == ResumeEntry("interview-1", "http://x/uploads/1")
