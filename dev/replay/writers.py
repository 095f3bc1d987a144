"""Where a replay's records go: JSON lines (one object per record) or Parquet (one row per
record, columns typed by the topic's Avro schema). Both carry the record's topic, partition,
offset, timestamp, key and headers beside its value, and a record that did not decode keeps
its error and its bytes."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from aiokafka import ConsumerRecord

from dev.replay.arrow_schema import TIMESTAMP_MS, arrow_type, dictionary_columns, statistics_columns
from dev.replay.avro_arrow import BatchDecoder
from dev.replay.background import Background
from dev.replay.reader import ReplayedRecord, key_text, replayed
from topics import schemas
from topics.codec import AvroCodec
from topics.errors import InterviewBuddyError

Format = Literal["jsonl", "parquet"]
#: Rows kept before a Parquet row group is written: larger groups encode faster (2.8 µs a
#: transcript segment at 50,000 against 3.2 at 5,000) and compress better, for ~45 MB held;
#: fewer rows when they hold more than ROW_GROUP_BYTES (analyses are far larger than segments).
ROW_GROUP = 50_000
ROW_GROUP_BYTES = 64 << 20
#: Rows handed to the background thread at once (fetched batches, ~1,300 segments each, kept
#: until they make as many, or a row group ends): each hand-over costs both threads a few passes
#: of the GIL, and on a busy machine of the scheduler; 6,000 segments at a time gave a median
#: 0.50 of the bare consume where one fetched batch at a time gave 0.43 (12 rounds alternated).
HAND_OVER_ROWS = 6_000
#: Hand-overs waiting for the background thread before the event loop waits for it in turn.
HAND_OVERS_AHEAD = 4
HEADERS = pa.list_(pa.struct([("name", pa.string()), ("value", pa.binary())]))


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


class ParquetWriteFailed(InterviewBuddyError):
    """The rows of a Parquet replay could not be decoded or written: the file is closed, and holds
    only the row groups written before."""


class ParquetWriter:
    """Rows a fetched batch at a time: the envelope column by column, the values decoded at once
    (``avro_arrow``), no Python object per value. The decoding and the encoding run on a thread of
    their own (``background``), a few thousand rows at once (more when it falls behind), while
    the caller fetches the next records; an error there is raised to the caller as
    ``ParquetWriteFailed``."""

    def __init__(self, path: Path, topic: str, value_schema: str, codec: AvroCodec) -> None:
        self.path = path
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
        # Snappy, dictionary pages and statistics as pyarrow writes them by default, but no
        # dictionary for columns whose values seldom repeat and no statistics inside lists
        # (``dictionary_columns`` and ``statistics_columns`` say which and why).
        self._writer = pq.ParquetWriter(
            path,
            self.schema,
            use_dictionary=dictionary_columns(self.schema),
            write_statistics=statistics_columns(self.schema),
        )
        # The caller's side: the rows of the row group so far, the batches not yet handed over.
        self._group_rows = self._waiting_rows = 0
        self._waiting: list[Fetched] = []
        # The background's side: decoded tables not yet written.
        self._pending: list[pa.Table] = []
        self._pending_rows = self._pending_bytes = self._rows_written = 0
        self._background: Background[list[Fetched]] = Background(
            self._encode, "ib-replay-parquet", HAND_OVERS_AHEAD
        )
        self._failure_raised = False

    def write_fetched(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        self._group_rows += len(records)
        self._hand_over(
            Fetched(
                [record.value for record in records],
                [
                    pa.array([record.partition for record in records], pa.int32()),
                    pa.array([record.offset for record in records], pa.int64()),
                    # Arrow takes milliseconds as they are
                    pa.array([record.timestamp for record in records], TIMESTAMP_MS),
                    _keys(records),
                    _headers(records),
                ],
                ends_group=self._group_rows >= ROW_GROUP,
            )
        )

    def close(self) -> None:
        """Writes what is left and closes the file; raises ``ParquetWriteFailed`` when a chunk
        could not be decoded or written (the file is closed all the same)."""
        try:
            if not self._failure_raised:  # else the caller has had it already
                self._hand_over(Fetched([], [], ends_group=True))
                try:
                    self._background.finish()
                except BaseException as exc:
                    raise self._failed(exc) from exc
        finally:
            self._background.stop()
            self._writer.close()

    def _hand_over(self, fetched: Fetched) -> None:
        if fetched.ends_group:
            self._group_rows = 0
        self._waiting.append(fetched)
        self._waiting_rows += len(fetched.values)
        if self._waiting_rows < HAND_OVER_ROWS and not fetched.ends_group:
            return
        waiting, self._waiting, self._waiting_rows = self._waiting, [], 0
        try:
            self._background.put(waiting)
        except BaseException as exc:
            raise self._failed(exc) from exc

    def _failed(self, cause: BaseException) -> ParquetWriteFailed:
        self._failure_raised = True
        return ParquetWriteFailed(
            f"the replay could not write its rows to {self.path} ({type(cause).__name__}: {cause}); "
            f"the file is closed with only the first {self._rows_written} rows in it"
        )

    def _encode(self, handed_over: list[list[Fetched]]) -> None:
        """On the background thread: the batches' rows decoded together, and a row group written
        where one ends (or once it holds more than ROW_GROUP_BYTES)."""
        together: list[Fetched] = []
        for fetched in (fetched for batches in handed_over for fetched in batches):
            together.append(fetched)
            if fetched.ends_group:
                self._add(together)
                together = []
                self._flush()
        self._add(together)
        if self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _add(self, batches: list[Fetched]) -> None:
        batches = [fetched for fetched in batches if fetched.values]
        if not batches:
            return
        values = [value for fetched in batches for value in fetched.values]
        count = len(values)
        decoded, errors = self._decoder.decode(values)
        if errors.count(None) != count:
            pairs = zip(values, errors, strict=True)
            raw_values = pa.array([None if error is None else value for value, error in pairs], pa.binary())
        else:
            raw_values = pa.nulls(count, pa.binary())
        envelope = [
            pa.concat_arrays(list(column))
            for column in zip(*(fetched.envelope for fetched in batches), strict=True)
        ]
        table = pa.Table.from_arrays(
            [pa.repeat(self.topic, count), *envelope, decoded, pa.array(errors, pa.string()), raw_values],
            schema=self.schema,
        )
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._pending_bytes += table.nbytes

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.concat_tables(self._pending), row_group_size=self._pending_rows)
            self._rows_written += self._pending_rows
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0


@dataclass(frozen=True)
class Fetched:
    """A fetched batch as the background takes it: its raw values, its envelope columns already in
    Arrow (partition, offset, timestamp, key, headers), and whether the row group ends with it.
    No record object is kept waiting: the cyclic GC walks every object that outlives a few
    collections, and its full collections over queued records cost a replay ~0.15 s in 50,000
    records (each holding the GIL), where a batch's lists and arrays are a few objects."""

    values: list[bytes | None]
    envelope: list[pa.Array]
    ends_group: bool


def _keys(records: Sequence[ConsumerRecord[bytes, bytes]]) -> pa.Array:
    """Each record's key as text: UTF-8 checked by Arrow at once, else one by one as ``key_text``
    gives it (an invalid byte replaced)."""
    keys = pa.array([record.key for record in records], pa.binary())
    try:
        return keys.cast(pa.string())
    except pa.ArrowInvalid:
        return pa.array([key_text(record.key) for record in records], pa.string())


def _headers(records: Sequence[ConsumerRecord[bytes, bytes]]) -> pa.Array:
    """Each record's headers as a list of (name, value) structs: Arrow takes aiokafka's tuples as
    they are; a header without a value, or no headers at all, is written as before (an empty value,
    an empty list), built flat."""
    try:
        headers = pa.array([record.headers for record in records], HEADERS)
    except (pa.ArrowException, TypeError):
        headers = None
    if headers is not None and not headers.null_count and not headers.values.field("value").null_count:
        return headers
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
