"""The Avro schemas in ``schemas/avro/``, parsed once, with their ids.

Ids come from the committed id table ``schemas/avro/ids.json`` (one id per schema version)
or, when a Confluent-compatible registry is configured, from the registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastavro

from topics.errors import ContractError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "avro"
RELEASED_DIR = SCHEMA_DIR / "released"
ID_TABLE = SCHEMA_DIR / "ids.json"


@dataclass(frozen=True)
class SchemaVersion:
    id: int
    name: str
    version: int
    path: Path

    @property
    def raw(self) -> dict[str, Any]:
        return _read_json(self.path)

    @property
    def parsed(self) -> Any:
        return _parse(self.path)


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@cache
def _parse(path: Path) -> Any:
    return fastavro.parse_schema(_read_json(path), named_schemas={})


def full_name(raw: dict[str, Any]) -> str:
    return f"{raw['namespace']}.{raw['name']}" if "namespace" in raw else str(raw["name"])


@cache
def current_schemas() -> dict[str, Path]:
    """Full record name -> the ``.avsc`` file that holds its current version."""
    schemas: dict[str, Path] = {}
    for path in sorted(SCHEMA_DIR.glob("*.avsc")):
        schemas[full_name(_read_json(path))] = path
    return schemas


@cache
def id_table() -> tuple[SchemaVersion, ...]:
    entries = json.loads(ID_TABLE.read_text())
    return tuple(
        SchemaVersion(
            id=int(entry["id"]),
            name=str(entry["schema"]),
            version=int(entry["version"]),
            path=SCHEMA_DIR / entry["file"],
        )
        for entry in entries
    )


def current_version(name: str) -> SchemaVersion:
    """The newest version of a schema in the id table."""
    versions = [entry for entry in id_table() if entry.name == name]
    if not versions:
        raise ContractError(f"schema {name!r} is not in {ID_TABLE.name}")
    return max(versions, key=lambda entry: entry.version)


def version_by_id(schema_id: int) -> SchemaVersion | None:
    for entry in id_table():
        if entry.id == schema_id:
            return entry
    return None


def parsed(name: str) -> Any:
    """The parsed current schema for a full record name."""
    try:
        return _parse(current_schemas()[name])
    except KeyError:
        raise ContractError(f"no schema named {name!r} in {SCHEMA_DIR}") from None
