"""An Arrow schema derived from a topic's Avro schema, so that a Parquet replay keeps the types:
records become structs, arrays lists, maps maps, ``["null", T]`` a nullable T, enums strings,
``timestamp-millis`` a UTC timestamp; and each decoded value as Arrow takes it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

_PRIMITIVES: dict[str, pa.DataType] = {
    "null": pa.null(),
    "boolean": pa.bool_(),
    "int": pa.int32(),
    "long": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
    "bytes": pa.binary(),
    "string": pa.string(),
}
TIMESTAMP_MS = pa.timestamp("ms", tz="UTC")


class UnsupportedAvro(ValueError):
    """An Avro construct with no Arrow counterpart here (a union of two non-null types)."""


def arrow_type(avro: Any, named: dict[str, pa.DataType] | None = None, namespace: str = "") -> pa.DataType:
    """The Arrow type of an Avro type (as JSON); ``named`` collects records and enums by full name
    for later references to them."""
    named = {} if named is None else named
    if isinstance(avro, str):
        if avro in _PRIMITIVES:
            return _PRIMITIVES[avro]
        full = avro if "." in avro else f"{namespace}.{avro}" if namespace else avro
        if full in named:
            return named[full]
        raise UnsupportedAvro(f"unknown Avro type {avro!r}")
    if isinstance(avro, list):
        branches = [branch for branch in avro if branch != "null"]
        if len(branches) != 1:
            raise UnsupportedAvro(f"a union of {avro!r} has no single Arrow type")
        return arrow_type(branches[0], named, namespace)
    kind = avro["type"]
    if avro.get("logicalType") == "timestamp-millis" and kind == "long":
        return TIMESTAMP_MS
    if kind == "record":
        space = avro.get("namespace", namespace)
        fields = [
            pa.field(
                field["name"], arrow_type(field["type"], named, space), nullable=_nullable(field["type"])
            )
            for field in avro["fields"]
        ]
        struct = pa.struct(fields)
        named[_full_name(avro, space)] = struct
        return struct
    if kind == "enum":
        named[_full_name(avro, avro.get("namespace", namespace))] = pa.string()
        return pa.string()
    if kind == "array":
        return pa.list_(arrow_type(avro["items"], named, namespace))
    if kind == "map":
        return pa.map_(pa.string(), arrow_type(avro["values"], named, namespace))
    if kind == "fixed":
        return pa.binary(avro["size"])
    return arrow_type(kind, named, namespace)


def _nullable(avro: Any) -> bool:
    return isinstance(avro, list) and "null" in avro


def _full_name(avro: dict[str, Any], namespace: str) -> str:
    name = str(avro["name"])
    return name if "." in name or not namespace else f"{namespace}.{name}"


Converter = Callable[[Any], Any]


def map_converter(data_type: pa.DataType) -> Converter | None:
    """A function that gives a decoded value with every dict the type says is a map turned into
    (key, value) pairs, as Arrow takes maps; None when the type holds no map, so the value goes to
    Arrow as it is (walking every field of every record for nothing cost a replay most of its time)."""
    if pa.types.is_map(data_type):
        items = map_converter(data_type.item_type)
        if items is None:
            return lambda value: None if value is None else list(value.items())
        return lambda value: None if value is None else [(key, items(item)) for key, item in value.items()]
    if pa.types.is_list(data_type):
        element = map_converter(data_type.value_type)
        if element is None:
            return None
        return lambda value: None if value is None else [element(item) for item in value]
    if pa.types.is_struct(data_type):
        fields = [(field.name, map_converter(field.type)) for field in data_type]
        converted = [(name, convert) for name, convert in fields if convert is not None]
        if not converted:
            return None

        def struct(value: Any) -> Any:
            if value is None:
                return None
            return {**value, **{name: convert(value.get(name)) for name, convert in converted}}

        return struct
    return None


def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The Parquet columns (leaf paths) worth dictionary-encoding: text, bytes and ints of 32 bits
    or fewer (ids, names, enums, sequence numbers), which repeat. Measurements, moments and
    offsets (floats, 64-bit ints, timestamps) are mostly distinct: a dictionary for them is built
    until it passes its 1 MB page and then dropped for plain encoding, work that took a fifth of a
    transcript segment's encoding (its ~80 word timings and confidences). On the bench's synthetic
    segments, whose timings take few distinct values, the file grows from 6.2 to 9 MB."""
    return [path for field in schema for path, leaf in _leaves(field.type, field.name) if not _wide(leaf)]


def statistics_columns(schema: pa.Schema) -> list[str]:
    """The Parquet columns (leaf paths) given min/max statistics: those outside lists, which a
    reader's filters use to skip row groups. Inside a list (a segment's words) the bounds of every
    element of 50,000 rows at once skip nothing, and computing them took a tenth of the encoding."""
    return [path for field in schema for path, _ in _leaves(field.type, field.name) if ".list." not in path]


def _leaves(data_type: pa.DataType, path: str) -> Iterator[tuple[str, pa.DataType]]:
    if pa.types.is_struct(data_type):
        for field in data_type:
            yield from _leaves(field.type, f"{path}.{field.name}")
    elif pa.types.is_map(data_type):
        yield from _leaves(data_type.key_type, f"{path}.key_value.key")
        yield from _leaves(data_type.item_type, f"{path}.key_value.value")
    elif pa.types.is_list(data_type):
        yield from _leaves(data_type.value_type, f"{path}.list.element")
    else:
        yield path, data_type


def _wide(data_type: pa.DataType) -> bool:
    return (
        pa.types.is_floating(data_type)
        or pa.types.is_timestamp(data_type)
        or pa.types.is_int64(data_type)
        or pa.types.is_uint64(data_type)
    )
