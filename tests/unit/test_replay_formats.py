"""What `ib replay` writes, without a broker: its bounds as an analyst types them, and every
topic's records through Parquet with the types of their Avro schema (records generated from
each schema, encoded and decoded as on a topic, then read back from the file)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aiokafka import ConsumerRecord
from fastavro.utils import generate_many

from dev.replay import parquet_writer
from dev.replay.arrow_schema import (
    TIMESTAMP_MS,
    UnsupportedAvro,
    arrow_type,
    dictionary_columns,
    statistics_columns,
)
from dev.replay.bounds import BadBound, Bound, check_order, parse_bound
from dev.replay.parquet_writer import ParquetWriter
from dev.replay.reader import ReplayedRecord
from dev.replay.writers import JsonLinesWriter
from topics import schemas
from topics.catalog import ALL_TOPICS
from topics.codec import AvroCodec

VALUE_SCHEMAS = sorted({spec.value_schema for spec in ALL_TOPICS})
SEGMENT = "interviewbuddy.events.TranscriptSegment"


def test_bounds_are_offsets_moments_earliest_or_latest() -> None:
    assert parse_bound("1200") == Bound(kind="offset", offset=1200)
    assert parse_bound("earliest").kind == "earliest" and parse_bound("LATEST").kind == "latest"
    moment = int(datetime(2026, 12, 6, 10, 0, tzinfo=UTC).timestamp() * 1000)
    assert parse_bound("2026-12-06T10:00:00Z").timestamp_ms == moment
    assert parse_bound("2026-12-06T10:00:00").timestamp_ms == moment  # no zone: UTC
    assert parse_bound("2026-12-06T11:00:00+01:00").timestamp_ms == moment


@pytest.mark.parametrize("text", ["yesterday", "-5", "12:00 tomorrow", ""])
def test_a_bound_that_is_none_of_those_is_refused_with_what_is_taken(text: str) -> None:
    with pytest.raises(BadBound, match="neither an offset"):
        parse_bound(text)


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(BadBound, match="before --from"):
        check_order(parse_bound("50"), parse_bound("10"))
    with pytest.raises(BadBound, match="before --from"):
        check_order(parse_bound("2026-12-06T10:00:00Z"), parse_bound("2026-12-05T10:00:00Z"))
    with pytest.raises(BadBound, match="nothing to read"):
        check_order(parse_bound("latest"), parse_bound("100"))
    check_order(parse_bound("10"), parse_bound("10"))  # one offset is a range


def test_the_arrow_types_follow_the_avro_schema() -> None:
    segment = arrow_type(schemas.current_version("interviewbuddy.events.TranscriptSegment").raw)
    assert segment.field("seq").type == pa.int32()
    assert segment.field("words").type.value_type.field("confidence").type == pa.float64()
    assert segment.field("speaker").nullable and not segment.field("text").nullable
    uploaded = arrow_type(schemas.current_version("interviewbuddy.events.InterviewUploaded").raw)
    timestamps = [field.name for field in uploaded if field.type == TIMESTAMP_MS]
    assert timestamps, "timestamp-millis fields are timestamps"
    with pytest.raises(UnsupportedAvro, match="no single Arrow type"):
        arrow_type(["null", "string", "long"])


def test_parquet_dictionaries_are_for_values_that_repeat_and_statistics_outside_lists() -> None:
    segment = pa.schema([pa.field("value", arrow_type(schemas.current_version(SEGMENT).raw))])
    columns = dictionary_columns(segment)
    assert {"value.interview_id", "value.seq", "value.words.list.element.word"} <= set(columns)
    assert not {"value.start", "value.words.list.element.start", "value.words.list.element.confidence"} & set(
        columns
    )
    analysis = pa.schema([pa.field("tags", pa.map_(pa.string(), pa.list_(pa.float64())))])
    assert dictionary_columns(analysis) == ["tags.key_value.key"]
    assert "value.words.list.element.start" not in statistics_columns(segment)
    assert {"value.interview_id", "value.start"} <= set(statistics_columns(segment))


def replayed(offset: int, value: dict[str, Any] | None, raw: bytes | None = None) -> ReplayedRecord:
    return ReplayedRecord(
        partition=offset % 3,
        offset=offset,
        timestamp_ms=1_765_000_000_000 + offset,
        key=f"key-{offset}",
        headers=[("traceparent", b"00-abc-def-01"), ("binary", b"\xff\x00")],
        value=value,
        decode_error=None if raw is None else "not Confluent-framed Avro",
        raw_value=raw,
    )


def fetched(offset: int, value: bytes | None, headers: bool = True) -> ConsumerRecord[bytes, bytes]:
    """A record as aiokafka hands it over."""
    return ConsumerRecord(
        topic="a.topic",
        partition=offset % 3,
        offset=offset,
        timestamp=1_765_000_000_000 + offset,
        timestamp_type=0,
        key=f"key-{offset}".encode(),
        value=value,
        checksum=None,
        serialized_key_size=5,
        serialized_value_size=len(value or b""),
        headers=[("traceparent", b"00-abc-def-01"), ("binary", b"\xff\x00")] if headers else [],
    )


@pytest.mark.parametrize("value_schema", VALUE_SCHEMAS)
def test_every_topics_records_go_through_parquet_with_their_types(value_schema: str, tmp_path: Path) -> None:
    codec = AvroCodec()
    raw_schema = schemas.current_version(value_schema).raw
    encoded = [codec.encode(value_schema, value) for value in generate_many(raw_schema, 5)]
    decoded = [codec.decode(value, value_schema) for value in encoded]
    writer = ParquetWriter(tmp_path / "out.parquet", "a.topic", value_schema, codec)
    first = [fetched(offset, value, headers=offset != 2) for offset, value in enumerate(encoded)]
    writer.write_fetched(first)
    writer.write_fetched([fetched(99, b"\x07garbage"), fetched(100, None)])
    writer.close()

    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("value").type == arrow_type(raw_schema)
    rows = table.to_pylist()
    assert [row["offset"] for row in rows] == [0, 1, 2, 3, 4, 99, 100]
    assert rows[0]["headers"] == [
        {"name": "traceparent", "value": b"00-abc-def-01"},
        {"name": "binary", "value": b"\xff\x00"},
    ]
    assert rows[2]["headers"] == []
    assert rows[0]["timestamp"] == datetime.fromtimestamp(1_765_000_000.000, UTC)
    assert rows[0]["key"] == "key-0" and rows[0]["partition"] == 0 and rows[0]["topic"] == "a.topic"
    for row, value in zip(rows, decoded, strict=False):
        assert as_dicts(row["value"]) == as_dicts(value)
        assert row["decode_error"] is None and row["raw_value"] is None
    assert rows[-2]["value"] is None and rows[-2]["raw_value"] == b"\x07garbage"
    assert "not Confluent-framed Avro" in rows[-2]["decode_error"]
    assert rows[-1]["value"] is None and rows[-1]["decode_error"] is None  # a tombstone


SEGMENT_SCHEMA = "interviewbuddy.events.TranscriptSegment"


def encoded_segments(codec: AvroCodec, count: int) -> list[bytes]:
    """``count`` transcript segments of every shape the schema allows, encoded as on the topic."""
    return [
        codec.encode(SEGMENT_SCHEMA, value)
        for value in generate_many(schemas.current_version(SEGMENT_SCHEMA).raw, count)
    ]


def test_parquet_rows_go_out_in_row_groups_in_the_order_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_writer, "ROW_GROUP", 4)
    codec, value_schema = AvroCodec(), SEGMENT_SCHEMA
    encoded = encoded_segments(codec, 10)
    writer = ParquetWriter(tmp_path / "out.parquet", "a.topic", value_schema, codec)
    for start in (0, 3, 6, 9):
        writer.write_fetched(
            [fetched(offset, encoded[offset]) for offset in range(start, min(start + 3, 10))]
        )
    writer.close()

    assert pq.ParquetFile(tmp_path / "out.parquet").metadata.num_row_groups == 2  # 6 rows, then 4
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [row["offset"] for row in rows] == list(range(10))
    assert [row["value"]["seq"] for row in rows] == [
        codec.decode(value, value_schema)["seq"] for value in encoded
    ]


@pytest.fixture
def writer_in_groups_of_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ParquetWriter:
    monkeypatch.setattr(parquet_writer, "ROW_GROUP", 3)
    return ParquetWriter(tmp_path / "out.parquet", "a.topic", SEGMENT_SCHEMA, AvroCodec())


def write_twelve_segments(writer: ParquetWriter, encoded: list[bytes]) -> None:
    """Four fetched batches of three, then close: each a row group of its own (ROW_GROUP 3)."""
    for start in (0, 3, 6, 9):  # an error is raised by a later write or by close, whichever comes first
        writer.write_fetched([fetched(offset, encoded[offset]) for offset in range(start, start + 3)])
    writer.close()


def assert_closed_with_the_first_six_rows(
    writer: ParquetWriter, failure: pytest.ExceptionInfo[Exception]
) -> None:
    assert "only the first 6 rows" in str(failure.value)
    writer.close()  # once raised, not raised again
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("ib-replay-")]
    rows = pq.read_table(writer.path).to_pylist()
    assert [row["offset"] for row in rows] == list(range(6))  # the two row groups written before


def test_an_error_on_the_decoding_thread_reaches_the_caller_and_the_file_is_closed(
    writer_in_groups_of_3: ParquetWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, encoded = writer_in_groups_of_3, encoded_segments(AvroCodec(), 12)
    decode = writer._decoder.decode

    def decode_until_offset_6(values: list[bytes | None]) -> tuple[pa.Array, list[str | None]]:
        if encoded[6] in values:
            raise MemoryError("no room for the decoded values")
        return decode(values)

    monkeypatch.setattr(writer._decoder, "decode", decode_until_offset_6)
    with pytest.raises(
        parquet_writer.ParquetWriteFailed, match="MemoryError: no room for the decoded"
    ) as failure:
        write_twelve_segments(writer, encoded)
    assert_closed_with_the_first_six_rows(writer, failure)


def test_a_full_disk_on_the_writing_thread_reaches_the_caller_and_the_file_is_closed(
    writer_in_groups_of_3: ParquetWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, encoded = writer_in_groups_of_3, encoded_segments(AvroCodec(), 12)
    write_table = writer._writer.write_table
    groups_written = []

    def write_two_groups(table: pa.Table, row_group_size: int) -> None:
        if len(groups_written) == 2:
            raise OSError(28, "No space left on device")
        write_table(table, row_group_size=row_group_size)
        groups_written.append(table.num_rows)

    monkeypatch.setattr(writer._writer, "write_table", write_two_groups)
    with pytest.raises(parquet_writer.ParquetWriteFailed, match="No space left on device") as failure:
        write_twelve_segments(writer, encoded)
    assert_closed_with_the_first_six_rows(writer, failure)


def as_dicts(value: Any) -> Any:
    """Arrow gives maps back as (key, value) pairs; compare them as dicts."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, tuple) and len(item) == 2 for item in value)
    ):
        return {key: as_dicts(item) for key, item in value}
    if isinstance(value, dict):
        return {key: as_dicts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_dicts(item) for item in value]
    return value


def test_json_lines_carry_the_record_and_a_bad_ones_bytes(tmp_path: Path) -> None:
    writer = JsonLinesWriter(tmp_path / "out.jsonl", "t-1.transcript.segments", "unused", AvroCodec())
    writer.write(replayed(4, {"text": "hello", "at": datetime(2026, 12, 6, tzinfo=UTC)}))
    writer.write(replayed(5, None, raw=b"\x07garbage"))
    writer.close()

    good, bad = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert good["topic"] == "t-1.transcript.segments" and good["offset"] == 4 and good["key"] == "key-4"
    assert good["value"] == {"text": "hello", "at": "2026-12-06T00:00:00+00:00"}
    assert good["headers"] == [["traceparent", "00-abc-def-01"], ["binary", "base64:/wA="]]
    assert "decode_error" not in good
    assert bad["value"] is None and bad["decode_error"] == "not Confluent-framed Avro"
    assert bad["raw_value_base64"] == "B2dhcmJhZ2U="
