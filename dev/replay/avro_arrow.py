"""A fetched batch of Confluent-framed Avro values decoded at once, column-wise, into one Arrow
array: decoding record by record in Python (fastavro's schemaless reader, then a dict per record
handed to Arrow) cost a replay to Parquet ten times what taking the records off the broker does.

The values written with the topic's current schema are put whole (their Confluent frame read as a
field) in one block of an in-memory Avro object container file (the container's header, then a
count, a size and the values back to back) and read by polars' native Avro reader straight into
Arrow. Each value is followed by a marker of 16 random bytes, read back as a field of its own: a
body one byte longer or shorter than its record would shift the markers after it, so a batch whose
markers all come back intact was cut into records exactly where Kafka's records end. Every other
value (another schema version, a frame or a body that does not decode, a batch whose markers
moved) goes through the codec one by one, as before, so a record that does not decode is reported
with the codec's own error and never dropped.
"""

from __future__ import annotations

import io
import json
import os
import weakref
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dev.replay.arrow_schema import map_converter
from topics import schemas
from topics.codec import AvroCodec
from topics.errors import SerializationError

#: The Confluent frame before every Avro body: a zero magic byte and a 4-byte schema id.
FRAME = 5
MARKER_SIZE = 16


def _long(number: int) -> bytes:
    """An Avro long: zig-zag, then 7 bits a byte, lowest first."""
    number = (number << 1) ^ (number >> 63)
    out = bytearray()
    while number & ~0x7F:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _without_defaults(avro: Any) -> Any:
    """The schema without ``default`` and ``doc``: polars' reader refuses a non-null default
    (``false``, ``0``), and a container whose writer is its reader needs none."""
    if isinstance(avro, dict):
        return {key: _without_defaults(item) for key, item in avro.items() if key not in ("default", "doc")}
    if isinstance(avro, list):
        return [_without_defaults(item) for item in avro]
    return avro


def _natively_readable(avro: Any) -> bool:
    """Whether polars reads the schema: it has no maps or enums (polars panics on them)."""
    if isinstance(avro, list):
        return all(_natively_readable(branch) for branch in avro)
    if not isinstance(avro, dict):
        return True
    if avro["type"] in ("map", "enum"):
        return False
    if avro["type"] == "record":
        return all(_natively_readable(field["type"]) for field in avro["fields"])
    if avro["type"] == "array":
        return _natively_readable(avro["items"])
    return _natively_readable(avro["type"])


def _nullable_everywhere(data_type: pa.DataType) -> pa.DataType:
    if pa.types.is_struct(data_type):
        return pa.struct([pa.field(field.name, _nullable_everywhere(field.type)) for field in data_type])
    if pa.types.is_map(data_type):
        return pa.map_(data_type.key_type, _nullable_everywhere(data_type.item_type))
    if pa.types.is_list(data_type):
        return pa.list_(_nullable_everywhere(data_type.value_type))
    return data_type


class _ContainerFile:
    """Where polars reads a container from: a path where it can. polars reads a file-like object
    through its ``read``, 32 KB a call, and each call must take the GIL back; on the replay's
    background thread, while the event loop holds it, each of those waits up to the interpreter's
    switch interval (5 ms), which cost more than the decoding itself. An in-memory file (Linux's
    memfd, never on disk), rewritten for each batch so its pages are reused, is read natively."""

    def __init__(self) -> None:
        self._fd: int | None = None
        if hasattr(os, "memfd_create"):
            self._fd = os.memfd_create("ib-replay-avro", os.MFD_CLOEXEC)
            weakref.finalize(self, os.close, self._fd)

    def read(self, pieces: list[bytes]) -> Any:
        import polars as pl

        if self._fd is None:
            return pl.read_avro(io.BytesIO(b"".join(pieces)))
        size = sum(len(piece) for piece in pieces)
        if os.pwritev(self._fd, pieces, 0) != size:
            whole, written = memoryview(b"".join(pieces)), 0
            while written < size:
                written += os.pwrite(self._fd, whole[written:], written)
        os.ftruncate(self._fd, size)
        return pl.read_avro(f"/proc/self/fd/{self._fd}")


def import_native_reader() -> None:
    """Imports polars, which takes ~0.1 s (only a Parquet replay should pay it): a replay runs this
    on a thread while its consumer waits for the topic's metadata, where imported on the decoding
    thread while records flow it held the event loop up for ~0.3 s (a cold replay of 50,000
    segments took 0.96 s against 0.63 with polars already imported)."""
    import polars  # noqa: F401


class BatchDecoder:
    """Decodes a batch of raw values of ``value_schema``'s topic into an array of ``value_type``
    (the Arrow type derived from the schema) and each value's decode error."""

    def __init__(self, value_schema: str, codec: AvroCodec, value_type: pa.DataType) -> None:
        self.value_schema = value_schema
        self.codec = codec
        self.value_type = value_type
        self._current = schemas.parsed(value_schema)
        self._nullable_type = _nullable_everywhere(value_type)
        self._as_arrow = map_converter(value_type)
        #: Which frames (magic byte and schema id) carry the current schema.
        self._native_frames: dict[bytes, bool] = {}
        self._marker = os.urandom(MARKER_SIZE)
        self._sync = os.urandom(16)
        raw = schemas.current_version(value_schema).raw
        #: False once polars cannot give this schema's type (then every value goes one by one).
        self._native = _natively_readable(raw)
        self._header = self._container_header(raw)
        self._file = _ContainerFile()

    def _container_header(self, raw: dict[str, Any]) -> bytes:
        wrapper = {
            "type": "record",
            "name": "ReplayedValue",
            "namespace": "interviewbuddy.replay",
            "fields": [
                # The Confluent frame is read as a field too: the values go in whole, uncopied.
                {"name": "frame", "type": {"type": "fixed", "name": "Frame", "size": FRAME}},
                {"name": "value", "type": _without_defaults(raw)},
                {"name": "marker", "type": {"type": "fixed", "name": "Marker", "size": MARKER_SIZE}},
            ],
        }
        metadata = {b"avro.schema": json.dumps(wrapper).encode(), b"avro.codec": b"null"}
        entries = b"".join(_long(len(k)) + k + _long(len(v)) + v for k, v in metadata.items())
        return b"Obj\x01" + _long(len(metadata)) + entries + _long(0) + self._sync

    def decode(self, values: Sequence[bytes | None]) -> tuple[pa.Array, list[str | None]]:
        """The values as one Arrow array (None where a value is None or does not decode) and,
        beside each, why it did not decode (None when it did)."""
        if not self._native:
            return self._decode_one_by_one(values)
        # The common case first, without a look at each value: all of them at once, the frames
        # polars read checked after (all of the current schema, else they are sorted out below).
        whole = self._decode_natively(values, check_frames=True)  # type: ignore[arg-type]
        if whole is not None:
            return whole, [None] * len(values)
        native = [index for index, value in enumerate(values) if value and self._is_native(value[:FRAME])]
        if not native or len(native) == len(values):
            return self._decode_one_by_one(values)
        decoded = self._decode_natively([values[index] or b"" for index in native])
        if decoded is None:
            return self._decode_one_by_one(values)
        chosen = set(native)
        others = [index for index in range(len(values)) if index not in chosen]
        one_by_one, errors = self._decode_one_by_one([values[index] for index in others])
        # Both kinds in one batch: each value goes back to its place.
        order = pc.sort_indices(pa.array(native + others, pa.int64()))
        combined = pa.concat_arrays([decoded, one_by_one]).take(order)
        all_errors: list[str | None] = [None] * len(values)
        for index, error in zip(others, errors, strict=True):
            all_errors[index] = error
        return combined, all_errors

    def _is_native(self, frame: bytes) -> bool:
        if frame not in self._native_frames:
            native = False
            if len(frame) == FRAME and frame[0] == 0:
                try:
                    native = self.codec.writer_schema(int.from_bytes(frame[1:], "big")) == self._current
                except SerializationError:
                    native = False  # an unknown id: the codec says so record by record
            self._native_frames[frame] = native
        return self._native_frames[frame]

    def _decode_natively(self, values: Sequence[bytes], check_frames: bool = False) -> pa.Array | None:
        """The values decoded at once, or None when polars refuses the block, a marker moved, or
        (``check_frames``) a value is not of the current schema."""
        try:
            body = self._marker.join(values)
        except TypeError:  # a tombstone among them
            return None
        size = len(body) + MARKER_SIZE
        pieces = [self._header + _long(len(values)) + _long(size), body, self._marker + self._sync]
        # Imported here: polars takes ~0.1 s to load, which only a Parquet replay should pay.
        import polars as pl

        try:
            table = self._file.read(pieces)
        # What polars raises on a body that does not match the schema (a Rust panic is a
        # BaseException of its own).
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError, ValueError):
            return None
        markers = table["marker"].to_arrow()
        if (
            table.height != len(values)
            or not pc.all(pc.equal(markers, pa.scalar(self._marker, markers.type))).as_py()
        ):
            return None
        if check_frames and not all(self._is_native(frame) for frame in table["frame"].unique().to_list()):
            return None
        decoded = table["value"].to_arrow()
        if isinstance(decoded, pa.ChunkedArray):
            decoded = decoded.combine_chunks()
        try:
            # Cast to the type with every field nullable, then seen as the strict one.
            return decoded.cast(self._nullable_type).view(self.value_type)
        except pa.ArrowException:
            # Under a null record polars leaves the record's required fields null, which Arrow
            # will not view as required (prep.sessions): a matter of the schema, not of the data.
            self._native = False
            return None

    def _decode_one_by_one(self, values: Sequence[bytes | None]) -> tuple[pa.Array, list[str | None]]:
        decoded: list[Any] = []
        errors: list[str | None] = []
        for value in values:
            result, error = None, None
            if value is not None:
                try:
                    result = self.codec.decode(value, self.value_schema)
                except SerializationError as exc:
                    error = str(exc)
            decoded.append(result if self._as_arrow is None else self._as_arrow(result))
            errors.append(error)
        return pa.array(decoded, type=self.value_type), errors
