"""An Arrow schema derived from a topic's Avro schema, so that a Parquet replay keeps the types:
records become structs, arrays lists, maps maps, ``["null", T]`` a nullable T, enums strings,
``timestamp-millis`` a UTC timestamp; and each decoded value as Arrow takes it."""

from __future__ import annotations

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


def map_pairs(value: Any, data_type: pa.DataType) -> Any:
    """``value`` with every dict that the type says is a map turned into (key, value) pairs."""
    if value is None:
        return None
    if pa.types.is_map(data_type):
        return [(key, map_pairs(item, data_type.item_type)) for key, item in value.items()]
    if pa.types.is_struct(data_type):
        return {
            data_type.field(index).name: map_pairs(
                value.get(data_type.field(index).name), data_type.field(index).type
            )
            for index in range(data_type.num_fields)
        }
    if pa.types.is_list(data_type):
        return [map_pairs(item, data_type.value_type) for item in value]
    return value
