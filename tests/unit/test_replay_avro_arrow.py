"""A fetched batch decoded at once (``dev/replay/avro_arrow.py``): the same values as the codec
gives record by record, in the same places, and every value that does not decode reported with
the codec's own error, whether its frame, its schema version or its body is what is wrong."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pytest
from fastavro.utils import generate_many

from dev.replay.arrow_schema import arrow_type
from dev.replay.avro_arrow import BatchDecoder
from topics import schemas
from topics.catalog import TRANSCRIPT_SEGMENTS
from topics.codec import AvroCodec
from topics.errors import SerializationError

SEGMENT = TRANSCRIPT_SEGMENTS.value_schema


def segments(count: int) -> list[dict[str, Any]]:
    return list(generate_many(schemas.current_version(SEGMENT).raw, count))


def decoder(codec: AvroCodec, value_schema: str = SEGMENT) -> BatchDecoder:
    return BatchDecoder(value_schema, codec, arrow_type(schemas.current_version(value_schema).raw))


def codec_says(codec: AvroCodec, value: bytes) -> str:
    with pytest.raises(SerializationError) as raised:
        codec.decode(value, SEGMENT)
    return str(raised.value)


def test_a_batch_of_the_current_schema_decodes_at_once_to_what_the_codec_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codec = AvroCodec()
    encoded = [codec.encode(SEGMENT, value) for value in segments(300)]
    expected = [codec.decode(value, SEGMENT) for value in encoded]
    batches = decoder(codec)

    def one_by_one(*_: object) -> None:
        raise AssertionError("a batch of the current schema went through the codec record by record")

    monkeypatch.setattr(codec, "decode", one_by_one)
    values, errors = batches.decode(encoded)

    assert values.to_pylist() == expected
    assert errors == [None] * len(encoded)


def test_bad_values_in_a_batch_are_reported_in_place_and_the_others_still_decode() -> None:
    codec = AvroCodec()
    good = [codec.encode(SEGMENT, value) for value in segments(6)]
    longer = good[1] + b"\x00"  # a body with a byte after the record
    shorter = good[3][:-1]  # a body cut short
    older = io.BytesIO()  # a record of version 2, which had no `run`
    older.write(b"\x00" + schemas.version_by_id(16).id.to_bytes(4, "big"))  # type: ignore[union-attr]
    fastavro.schemaless_writer(older, schemas.version_by_id(16).parsed, segments(1)[0])  # type: ignore[union-attr]
    batch = [good[0], longer, good[2], shorter, b"not avro at all", None, older.getvalue(), good[5]]

    values, errors = decoder(codec).decode(batch)

    decoded = values.to_pylist()
    for index in (0, 2, 7):
        assert decoded[index] == codec.decode(batch[index], SEGMENT) and errors[index] is None
    for index in (1, 3, 4):
        assert decoded[index] is None
        assert errors[index] == codec_says(codec, batch[index])  # type: ignore[arg-type]
    assert "trailing bytes" in str(errors[1]) and "magic byte" in str(errors[4])
    assert decoded[5] is None and errors[5] is None  # a tombstone is no error
    assert decoded[6]["run"] == 0 and errors[6] is None  # resolved to the current schema


@pytest.mark.parametrize(
    "value_schema", ["interviewbuddy.events.AnalysisCompleted", "interviewbuddy.events.PrepSession"]
)
def test_a_schema_polars_cannot_give_is_decoded_one_by_one(value_schema: str) -> None:
    codec = AvroCodec()
    encoded = [
        codec.encode(value_schema, value)
        for value in generate_many(schemas.current_version(value_schema).raw, 20)
    ]
    batches = decoder(codec, value_schema)

    for _ in range(2):
        values, errors = batches.decode(encoded)
        assert len(values) == len(encoded) and errors == [None] * len(encoded)
