"""Avro in the Confluent wire format: a zero magic byte, a 4-byte big-endian schema id,
then the Avro body. Standard tools (Kafka UI, Kafka Connect, ksqlDB, other languages'
serializers) can read what this writes.

Decoding resolves the writer's schema (found by id) against the reader's current schema, so
an old record still reads after a backward-compatible change.
"""

from __future__ import annotations

import io
import struct
from typing import Any, Protocol

import fastavro

from topics import schemas
from topics.errors import SerializationError, UnknownSchemaError
from topics.registry import RegistryIds

MAGIC_BYTE = 0
_HEADER = struct.Struct(">bI")


class SchemaIds(Protocol):
    """Where schema ids come from: the committed id table or a schema registry."""

    def id_for(self, name: str) -> int: ...

    def writer_schema(self, schema_id: int) -> Any: ...

    def register_all(self) -> dict[str, int]: ...


class IdTable:
    """Ids from ``schemas/avro/ids.json``: the default, needs no running service."""

    def id_for(self, name: str) -> int:
        return schemas.current_version(name).id

    def writer_schema(self, schema_id: int) -> Any:
        entry = schemas.version_by_id(schema_id)
        if entry is None:
            raise UnknownSchemaError(f"schema id {schema_id} is not in the id table")
        return entry.parsed

    def register_all(self) -> dict[str, int]:
        return {name: self.id_for(name) for name in schemas.current_schemas()}


class AvroCodec:
    """Encodes dicts to Confluent-framed Avro and back. Schemas are parsed once."""

    def __init__(self, ids: SchemaIds | None = None) -> None:
        self._ids = ids or IdTable()
        self._writer_cache: dict[int, Any] = {}

    def warm_up(self) -> dict[str, int]:
        """Learn every schema's id now (registering them when ids come from a registry), at
        start-up, so no record waits on the registry later."""
        return self._ids.register_all()

    def encode(self, schema_name: str, value: dict[str, Any]) -> bytes:
        schema = schemas.parsed(schema_name)
        buffer = io.BytesIO()
        buffer.write(_HEADER.pack(MAGIC_BYTE, self._ids.id_for(schema_name)))
        try:
            fastavro.schemaless_writer(buffer, schema, value, strict_allow_default=True)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            raise SerializationError(f"cannot encode {schema_name}: {exc}") from exc
        return buffer.getvalue()

    def decode(self, data: bytes | None, schema_name: str) -> dict[str, Any]:
        """Decode ``data`` into the current version of ``schema_name``."""
        if not data or len(data) < _HEADER.size:
            raise SerializationError(
                f"expected a Confluent-framed Avro {schema_name}, got {len(data or b'')} bytes"
            )
        magic, schema_id = _HEADER.unpack_from(data)
        if magic != MAGIC_BYTE:
            raise SerializationError(
                f"expected magic byte 0 before a {schema_name}, got {magic}: not Confluent-framed Avro"
            )
        writer = self.writer_schema(schema_id)
        reader = schemas.parsed(schema_name)
        body = io.BytesIO(data[_HEADER.size :])
        try:
            record = fastavro.schemaless_reader(body, writer, reader)
        except Exception as exc:  # fastavro raises many kinds on corrupt input
            raise SerializationError(f"cannot decode {schema_name} (schema id {schema_id}): {exc}") from exc
        if not isinstance(record, dict):
            raise SerializationError(f"decoded {schema_name} is not a record")
        if body.tell() != len(data) - _HEADER.size:
            raise SerializationError(f"trailing bytes after a {schema_name}: the message is corrupt")
        return record

    def writer_schema(self, schema_id: int) -> Any:
        """The parsed schema that records framed with ``schema_id`` were written with."""
        if schema_id not in self._writer_cache:
            self._writer_cache[schema_id] = self._ids.writer_schema(schema_id)
        return self._writer_cache[schema_id]


def codec_from_settings(registry_url: str | None) -> AvroCodec:
    """The codec a process uses: registry ids when a registry URL is set, else the id table.

    An empty URL counts as unset, so ``IB_SCHEMA_REGISTRY_URL=`` switches the registry off.
    """
    if registry_url and registry_url.strip():
        return AvroCodec(RegistryIds(registry_url.strip()))
    return AvroCodec(IdTable())
