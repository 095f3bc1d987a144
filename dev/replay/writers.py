"""Where a replay's records go: JSON lines (one object per record) or Parquet (one row per
record, columns typed by the topic's Avro schema). Both carry the record's topic, partition,
offset, timestamp, key and headers beside its value, and a record that did not decode keeps
its error and its bytes."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from dev.replay.arrow_schema import TIMESTAMP_MS, arrow_type, map_converter
from dev.replay.reader import ReplayedRecord
from topics import schemas

Format = Literal["jsonl", "parquet"]
#: Rows kept before a Parquet row group is written.
ROW_GROUP = 5_000


class RecordWriter(Protocol):
    def write(self, record: ReplayedRecord) -> None: ...

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
    def __init__(self, path: Path, topic: str) -> None:
        self.topic = topic
        self._file = path.open("w", encoding="utf-8")

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
    def __init__(self, path: Path, topic: str, value_schema: str) -> None:
        self.topic = topic
        self.value_type = arrow_type(schemas.current_version(value_schema).raw)
        self.schema = pa.schema(
            [
                pa.field("topic", pa.string(), nullable=False),
                pa.field("partition", pa.int32(), nullable=False),
                pa.field("offset", pa.int64(), nullable=False),
                pa.field("timestamp", TIMESTAMP_MS, nullable=False),
                pa.field("key", pa.string()),
                pa.field("headers", pa.list_(pa.struct([("name", pa.string()), ("value", pa.binary())]))),
                pa.field("value", self.value_type),
                pa.field("decode_error", pa.string()),
                pa.field("raw_value", pa.binary()),
            ],
            metadata={"avro_schema": value_schema},
        )
        self._as_arrow = map_converter(self.value_type)
        self._writer = pq.ParquetWriter(path, self.schema)
        self._rows: list[dict[str, Any]] = []

    def write(self, record: ReplayedRecord) -> None:
        self._rows.append(
            {
                "topic": self.topic,
                "partition": record.partition,
                "offset": record.offset,
                "timestamp": record.timestamp_ms,  # Arrow takes milliseconds as they are
                "key": record.key,
                "headers": [{"name": name, "value": data} for name, data in record.headers],
                "value": record.value if self._as_arrow is None else self._as_arrow(record.value),
                "decode_error": record.decode_error,
                "raw_value": record.raw_value,
            }
        )
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def open_writer(output_format: Format, path: Path, topic: str, value_schema: str) -> RecordWriter:
    if output_format == "jsonl":
        return JsonLinesWriter(path, topic)
    return ParquetWriter(path, topic, value_schema)
