"""Avro in the Confluent wire format, and the errors a bad message gets."""

from __future__ import annotations

import pytest

from topics.catalog import INTERVIEW_UPLOADED, TRANSCRIPT_SEGMENTS
from topics.codec import AvroCodec
from topics.errors import InterviewBuddyError, SerializationError, UnknownSchemaError
from topics.schemas import current_version

UPLOADED = {
    "interview_id": "i-1",
    "user_id": "u-1",
    "blob_uri": "file:///tmp/x.wav",
    "filename": "x.wav",
    "content_type": "audio/wav",
    "size_bytes": 1234,
    "sha256": "ab" * 32,
    "uploaded_at": 1_700_000_000_000,
    "duration_seconds": 12.5,
    "has_audio": True,
    "read_url": None,
    "run": 2,
}

codec = AvroCodec()


def test_round_trip_keeps_every_field() -> None:
    data = codec.encode(INTERVIEW_UPLOADED.value_schema, UPLOADED)
    decoded = codec.decode(data, INTERVIEW_UPLOADED.value_schema)
    assert {k: v for k, v in decoded.items() if k != "uploaded_at"} == {
        k: v for k, v in UPLOADED.items() if k != "uploaded_at"
    }
    assert int(decoded["uploaded_at"].timestamp() * 1000) == UPLOADED["uploaded_at"]


def test_confluent_framing_magic_byte_and_schema_id() -> None:
    data = codec.encode(INTERVIEW_UPLOADED.value_schema, UPLOADED)
    assert data[0] == 0
    assert int.from_bytes(data[1:5], "big") == current_version(INTERVIEW_UPLOADED.value_schema).id


def test_missing_required_field_is_refused_on_encode() -> None:
    incomplete = {k: v for k, v in UPLOADED.items() if k != "sha256"}
    with pytest.raises(SerializationError, match=r"sha256|InterviewUploaded"):
        codec.encode(INTERVIEW_UPLOADED.value_schema, incomplete)


def test_unknown_field_is_refused_on_encode() -> None:
    with pytest.raises(SerializationError):
        codec.encode(INTERVIEW_UPLOADED.value_schema, {**UPLOADED, "surprise": 1})


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "got 0 bytes"),
        (b"not avro at all", "magic byte"),
        (b"\x00\x00\x00\x00\x02", "cannot decode"),
        (b"\x00\x00\x00\x03\xe7" + b"\x02a", "not in the id table"),
    ],
    ids=["empty", "plain-text", "truncated-body", "unknown-schema-id"],
)
def test_malformed_messages_raise_the_projects_own_error(payload: bytes, message: str) -> None:
    with pytest.raises(SerializationError, match=message) as caught:
        codec.decode(payload, INTERVIEW_UPLOADED.value_schema)
    assert isinstance(caught.value, InterviewBuddyError)


def test_unknown_schema_id_is_its_own_kind() -> None:
    with pytest.raises(UnknownSchemaError):
        codec.decode(b"\x00\x00\x00\x03\xe7\x02a", INTERVIEW_UPLOADED.value_schema)


def test_a_record_of_another_schema_is_not_silently_accepted() -> None:
    data = codec.encode(INTERVIEW_UPLOADED.value_schema, UPLOADED)
    with pytest.raises(SerializationError):
        codec.decode(data, TRANSCRIPT_SEGMENTS.value_schema)
