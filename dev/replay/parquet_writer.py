"""A replay's records as Parquet rows, columns typed by the topic's Avro schema, beside the
record's topic, partition, offset, timestamp, key and headers; a record that did not decode keeps
its error and its bytes. The event loop only gathers each fetched batch's envelope; two threads
of their own, one after the other, decode the values (``avro_arrow``) and write the row groups, so
the three go on at once and none holds up the event loop taking the next records off the broker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from aiokafka import ConsumerRecord

from dev.replay.arrow_schema import TIMESTAMP_MS, arrow_type, dictionary_columns, statistics_columns
from dev.replay.avro_arrow import BatchDecoder
from dev.replay.background import Background
from dev.replay.reader import key_text
from topics import schemas
from topics.codec import AvroCodec
from topics.errors import InterviewBuddyError

#: Rows in a Parquet row group: each is written while the next records are read, so only the
#: last is left to write once they all are (a group of 50,000 encodes 5 % faster, but in 50,000
#: transcript segments left the whole file to encode after the reading, a fifth of the replay);
#: fewer rows when they hold more than ROW_GROUP_BYTES (analyses are far larger than segments).
ROW_GROUP = 10_000
ROW_GROUP_BYTES = 64 << 20
#: Rows handed to the decoding thread at once (fetched batches, ~1,300 segments each, kept until
#: they make as many, or a row group ends): each hand-over costs both threads a few passes of
#: the GIL, and on a busy machine of the scheduler; 6,000 segments at a time gave a median 0.50 of
#: the bare consume where one fetched batch at a time gave 0.43 (12 rounds alternated).
HAND_OVER_ROWS = 6_000
#: Hand-overs waiting for each thread before the one handing over waits for it in turn.
HAND_OVERS_AHEAD = 4
HEADERS = pa.list_(pa.struct([("name", pa.string()), ("value", pa.binary())]))


class ParquetWriteFailed(InterviewBuddyError):
    """The rows of a Parquet replay could not be decoded or written: the file is closed, and holds
    only the row groups written before."""


@dataclass(frozen=True)
class Fetched:
    """A fetched batch as the decoding thread takes it: its raw values, its envelope columns
    already in Arrow (partition, offset, timestamp, key, headers), and whether the row group ends
    with it. No record object is kept waiting: the cyclic GC walks every object that outlives a
    few collections, and its full collections over queued records cost a replay ~0.15 s in 50,000
    records (each holding the GIL), where a batch's lists and arrays are a few objects."""

    values: list[bytes | None]
    envelope: list[pa.Array]
    ends_group: bool


@dataclass(frozen=True)
class Decoded:
    """Rows as the writing thread takes them, and whether their row group ends with them."""

    table: pa.Table | None
    ends_group: bool


class ParquetWriter:
    """Rows a fetched batch at a time: the envelope column by column, the values decoded at once,
    no Python object per value. A few thousand rows are handed over at once (more when the
    decoding falls behind); an error on either thread is raised to the caller as
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
        # The writing thread's side: decoded tables not yet written.
        self._pending: list[pa.Table] = []
        self._pending_rows = self._pending_bytes = self._rows_written = 0
        self._writing: Background[Decoded] = Background(self._write, "ib-replay-parquet", HAND_OVERS_AHEAD)
        self._decoding: Background[list[Fetched]] = Background(
            self._decode, "ib-replay-decode", HAND_OVERS_AHEAD
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
                    self._decoding.finish()
                    self._writing.finish()
                except BaseException as exc:
                    raise self._failed(exc) from exc
        finally:
            self._stop()
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
            self._decoding.put(waiting)
        except BaseException as exc:
            raise self._failed(exc) from exc

    def _stop(self) -> None:
        """Both threads done: what the writing thread was given before a failure is written."""
        self._decoding.stop()
        self._writing.stop()

    def _failed(self, cause: BaseException) -> ParquetWriteFailed:
        self._failure_raised = True
        self._stop()
        return ParquetWriteFailed(
            f"the replay could not write its rows to {self.path} ({type(cause).__name__}: {cause}); "
            f"the file is closed with only the first {self._rows_written} rows in it"
        )

    def _decode(self, handed_over: list[list[Fetched]]) -> None:
        """On the decoding thread: the batches' rows decoded together, each row group handed to the
        writing thread as soon as it ends (which raises here what it raised)."""
        together: list[Fetched] = []
        for fetched in (fetched for batches in handed_over for fetched in batches):
            together.append(fetched)
            if fetched.ends_group:
                self._writing.put(Decoded(self._table(together), ends_group=True))
                together = []
        if together:
            self._writing.put(Decoded(self._table(together), ends_group=False))

    def _table(self, batches: list[Fetched]) -> pa.Table | None:
        batches = [fetched for fetched in batches if fetched.values]
        if not batches:
            return None
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
        return pa.Table.from_arrays(
            [pa.repeat(self.topic, count), *envelope, decoded, pa.array(errors, pa.string()), raw_values],
            schema=self.schema,
        )

    def _write(self, handed_over: list[Decoded]) -> None:
        """On the writing thread: the tables in the order decoded, a row group written where one
        ends (or once it holds more than ROW_GROUP_BYTES)."""
        for decoded in handed_over:
            if decoded.table is not None:
                self._pending.append(decoded.table)
                self._pending_rows += decoded.table.num_rows
                self._pending_bytes += decoded.table.nbytes
            if decoded.ends_group:
                self._flush()
        if self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.concat_tables(self._pending), row_group_size=self._pending_rows)
            self._rows_written += self._pending_rows
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0


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
