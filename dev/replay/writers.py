"""Where a replay's records go: JSON lines (one object per record, here) or Parquet (one row per
record, columns typed by the topic's Avro schema: ``parquet_writer``). Both carry the record's
topic, partition, offset, timestamp, key and headers beside its value, and a record that did not
decode keeps its error and its bytes."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from aiokafka import ConsumerRecord

from dev.replay.parquet_writer import ParquetWriter
from dev.replay.reader import ReplayedRecord, replayed
from topics.codec import AvroCodec

Format = Literal["jsonl", "parquet"]


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


def open_writer(
    output_format: Format, path: Path, topic: str, value_schema: str, codec: AvroCodec
) -> RecordWriter:
    if output_format == "jsonl":
        return JsonLinesWriter(path, topic, value_schema, codec)
    return ParquetWriter(path, topic, value_schema, codec)
