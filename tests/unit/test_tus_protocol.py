"""tus header parsing and checking, without a server."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.tus import protocol
from gateway.tus.errors import InvalidTusRequest, TusVersionUnsupported, UploadTooLarge

TWO_GB = 2 * 1024**3


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_only_version_1_0_0_is_spoken() -> None:
    protocol.check_version("1.0.0")
    for wrong in (None, "0.2.2", "1.0", ""):
        with pytest.raises(TusVersionUnsupported):
            protocol.check_version(wrong)


def test_metadata_values_are_base64_and_keys_may_stand_alone() -> None:
    header = f"filename {b64('entretien é.mp4')},filetype {b64('video/mp4')}, is_private"
    assert protocol.parse_metadata(header) == {
        "filename": "entretien é.mp4".encode(),
        "filetype": b"video/mp4",
        "is_private": None,
    }
    assert protocol.parse_metadata(None) == {}
    assert protocol.parse_metadata("  ") == {}


def test_metadata_round_trips() -> None:
    metadata = {"interview_id": b"abc", "flag": None, "binary": b"\x00\xff"}
    assert protocol.parse_metadata(protocol.encode_metadata(metadata)) == metadata


@pytest.mark.parametrize(
    "header",
    [
        "filename not*base64",
        f"filename {b64('a')} extra",
        f"filename {b64('a')},filename {b64('b')}",
        f",filename {b64('a')}",
        "filename YQ",  # base64 without its padding
    ],
    ids=["not-base64", "three-parts", "duplicate-key", "empty-key", "unpadded"],
)
def test_malformed_metadata_is_a_400(header: str) -> None:
    with pytest.raises(InvalidTusRequest):
        protocol.parse_metadata(header)


def test_text_metadata_must_be_utf8() -> None:
    assert protocol.metadata_text({"filename": "é.wav".encode()}, "filename") == "é.wav"
    assert protocol.metadata_text({}, "filename") is None
    with pytest.raises(InvalidTusRequest, match="UTF-8"):
        protocol.metadata_text({"filename": b"\xff\xfe"}, "filename")


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_checksum_header_names_an_algorithm_and_a_digest(algorithm: str) -> None:
    digest = hashlib.new(algorithm, b"chunk").digest()
    parsed = protocol.parse_checksum(f"{algorithm} {base64.b64encode(digest).decode()}")
    assert parsed == protocol.UploadChecksum(algorithm, digest)
    assert parsed is not None
    hasher = parsed.new_hash()
    hasher.update(b"chunk")
    assert hasher.digest() == digest
    assert protocol.parse_checksum(None) is None


@pytest.mark.parametrize(
    "header",
    [
        f"md5 {base64.b64encode(hashlib.md5(b'x').digest()).decode()}",
        "sha1",
        "sha1 !!!",
        f"sha256 {base64.b64encode(hashlib.sha1(b'x').digest()).decode()}",  # wrong digest size
    ],
    ids=["unsupported-algorithm", "no-digest", "not-base64", "wrong-size"],
)
def test_bad_checksum_headers_are_a_400(header: str) -> None:
    with pytest.raises(InvalidTusRequest):
        protocol.parse_checksum(header)


def test_sizes_are_non_negative_integers() -> None:
    assert protocol.parse_size("Upload-Offset", "0") == 0
    assert protocol.parse_size("Upload-Offset", " 1048576 ") == 1048576
    assert protocol.parse_size("Upload-Offset", None) is None
    for wrong in ("-1", "1.5", "abc", "", "1e6", "9" * 20):
        with pytest.raises(InvalidTusRequest):
            protocol.parse_size("Upload-Offset", wrong)


def test_offsets_must_match_exactly() -> None:
    assert protocol.check_offset(100, 100)
    assert not protocol.check_offset(99, 100)
    assert not protocol.check_offset(101, 100)


def test_creation_length_is_declared_or_deferred_never_both() -> None:
    assert protocol.parse_creation_length("1000", None, TWO_GB) == 1000
    assert protocol.parse_creation_length(None, "1", TWO_GB) is None
    assert protocol.parse_creation_length(str(TWO_GB), None, TWO_GB) == TWO_GB
    for length, defer in ((None, None), ("10", "1"), (None, "0")):
        with pytest.raises(InvalidTusRequest):
            protocol.parse_creation_length(length, defer, TWO_GB)


def test_over_the_limit_names_the_limit() -> None:
    with pytest.raises(UploadTooLarge) as raised:
        protocol.parse_creation_length(str(TWO_GB + 1), None, TWO_GB)
    assert raised.value.status_code == 413
    assert "2 GB" in raised.value.user_message


def test_expiry_dates_are_http_dates_in_gmt() -> None:
    moment = datetime(2026, 11, 28, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert protocol.http_date(moment) == "Sat, 28 Nov 2026 08:00:00 GMT"
    assert protocol.http_date(datetime(2026, 1, 1, tzinfo=UTC)).endswith("00:00:00 GMT")
