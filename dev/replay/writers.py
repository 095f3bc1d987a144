"""Where a replay's records go: JSON lines (one object per record) or Parquet (one row per
record, columns typed by the topic's Avro schema). Both carry the record's topic, partition,
offset, timestamp, key and headers beside its value, and a record that did not decode keeps
its error and its bytes."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from aiokafka import ConsumerRecord

from dev.replay.arrow_schema import TIMESTAMP_MS, arrow_type
from dev.replay.avro_arrow import BatchDecoder
from dev.replay.reader import ReplayedRecord, key_text, replayed
from topics import schemas
from topics.codec import AvroCodec

Format = Literal["jsonl", "parquet"]
#: Rows kept before a Parquet row group is written: larger groups encode faster (2.8 µs a
#: transcript segment at 50,000 against 3.2 at 5,000) and compress better, for ~45 MB held;
#: fewer rows when they hold more than ROW_GROUP_BYTES (analyses are far larger than segments).
ROW_GROUP = 50_000
ROW_GROUP_BYTES = 64 << 20
HEADERS = pa.list_(pa.struct([("name", pa.string()), ("value", pa.binary())]))
_NO_HEADERS = pa.array([], HEADERS.value_type)


class RecordWriter(Protocol):
    def write_fetched(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None: ...

    def close(self) -> None: ...


def header_text(data: bytes) -> str:
    """A header's value as text: UTF-8 when it is, else ``base64:`` and its base64."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON")


class JsonLinesWriter:
    def __init__(self, path: Path, topic: str, value_schema: str, codec: AvroCodec) -> None:
        self.topic = topic
        self.value_schema = value_schema
        self.codec = codec
        self._file = path.open("w", encoding="utf-8")

    def write_fetched(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        for record in records:
            self.write(replayed(record, self.codec, self.value_schema))

    def write(self, record: ReplayedRecord) -> None:
        line = {
            "topic": self.topic,
            "partition": record.partition,
            "offset": record.offset,
            "timestamp": datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).isoformat(),
            "key": record.key,
            "headers": [[name, header_text(data)] for name, data in record.headers],
            "value": record.value,
        }
        if record.decode_error is not None:
            line["decode_error"] = record.decode_error
            line["raw_value_base64"] = record.raw_value_base64()
        self._file.write(json.dumps(line, default=_json_default, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.close()


class ParquetWriter:
    """Rows a fetched batch at a time: the envelope column by column, the values decoded at once
    (``avro_arrow``), no Python object per value."""

    def __init__(self, path: Path, topic: str, value_schema: str, codec: AvroCodec) -> None:
        self.topic = topic
        self.value_type = arrow_type(schemas.current_version(value_schema).raw)
        self.schema = pa.schema(
            [
                pa.field("topic", pa.string(), nullable=False),
                pa.field("partition", pa.int32(), nullable=False),
                pa.field("offset", pa.int64(), nullable=False),
                pa.field("timestamp", TIMESTAMP_MS, nullable=False),
                pa.field("key", pa.string()),
                pa.field("headers", HEADERS),
                pa.field("value", self.value_type),
                pa.field("decode_error", pa.string()),
                pa.field("raw_value", pa.binary()),
            ],
            metadata={"avro_schema": value_schema},
        )
        self._decoder = BatchDecoder(value_schema, codec, self.value_type)
        self._writer = pq.ParquetWriter(path, self.schema)
        self._pending: list[pa.Table] = []
        self._pending_rows = self._pending_bytes = 0

    def write_fetched(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        count = len(records)
        values, errors = self._decoder.decode([record.value for record in records])
        if any(error is not None for error in errors):
            pairs = zip(records, errors, strict=True)
            raw_values = pa.array(
                [None if error is None else record.value for record, error in pairs], pa.binary()
            )
        else:
            raw_values = pa.nulls(count, pa.binary())
        table = pa.Table.from_arrays(
            [
                pa.repeat(self.topic, count),
                pa.array([record.partition for record in records], pa.int32()),
                pa.array([record.offset for record in records], pa.int64()),
                # Arrow takes milliseconds as they are
                pa.array([record.timestamp for record in records], TIMESTAMP_MS),
                pa.array([key_text(record.key) for record in records], pa.string()),
                _headers(records),
                values,
                pa.array(errors, pa.string()),
                raw_values,
            ],
            schema=self.schema,
        )
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._pending_bytes += table.nbytes
        if self._pending_rows >= ROW_GROUP or self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.concat_tables(self._pending), row_group_size=self._pending_rows)
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


def _headers(records: Sequence[ConsumerRecord[bytes, bytes]]) -> pa.Array:
    """Each record's headers as a list of (name, value) structs, built flat."""
    if not any(record.headers for record in records):
        return pa.ListArray.from_arrays(
            pa.repeat(0, len(records) + 1).cast(pa.int32()), _NO_HEADERS, type=HEADERS
        )
    names: list[str] = []
    data: list[bytes] = []
    offsets = [0]
    for record in records:
        for name, value in record.headers or ():
            names.append(name)
            data.append(bytes(value or b""))
        offsets.append(len(names))
    pairs = pa.StructArray.from_arrays(
        [pa.array(names, pa.string()), pa.array(data, pa.binary())], fields=list(HEADERS.value_type)
    )
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pairs, type=HEADERS)


def open_writer(
    output_format: Format, path: Path, topic: str, value_schema: str, codec: AvroCodec
) -> RecordWriter:
    if output_format == "jsonl":
        return JsonLinesWriter(path, topic, value_schema, codec)
    return ParquetWriter(path, topic, value_schema, codec)
