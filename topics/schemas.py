"""The Avro schemas in ``schemas/avro/``, parsed once, with their ids.

Ids come from the committed id table ``schemas/avro/ids.json`` (one id per schema version)
or, when a Confluent-compatible registry is configured, from the registry.

An id means one writer schema for ever: each points at a frozen file under
``schemas/avro/released/`` whose SHA-256 the table records beside it, so records already on a
topic decode the same on any replay. The current ``<name>.avsc`` is what producers write; it
must be the same schema as its newest released version (a change to it is released first, as a
new version with a new id). :func:`id_table_problems` says what breaks either rule.
"""

from __future__ import annotations

import hashlib
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
    sha256: str

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
            sha256=str(entry["sha256"]),
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


def id_table_problems(folder: Path = SCHEMA_DIR) -> list[str]:
    """What breaks the id rules in ``folder`` (the schema folder), in words; empty when nothing
    does: an id whose file is not a released one or differs from its recorded digest, and a
    current schema that is not its newest released version."""
    entries = json.loads((folder / ID_TABLE.name).read_text())
    released = folder / RELEASED_DIR.name
    problems: list[str] = []
    newest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        path = folder / entry["file"]
        if path.parent != released:
            problems.append(f"id {entry['id']} points at {entry['file']}, not a frozen file under released/")
        elif not path.is_file():
            problems.append(f"id {entry['id']}: {entry['file']} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            problems.append(
                f"id {entry['id']}: {entry['file']} was edited after its release (its SHA-256 is "
                "not the one in ids.json); release a new version instead"
            )
        if entry["version"] > newest.get(entry["schema"], {"version": 0})["version"]:
            newest[entry["schema"]] = entry
    for path in sorted(folder.glob("*.avsc")):
        name = full_name(_read_json(path))
        if name not in newest:
            problems.append(f"{path.name} ({name}) has no id")
            continue
        latest = newest[name]
        released_path = folder / latest["file"]
        if released_path.is_file() and _read_json(released_path) != _read_json(path):
            problems.append(
                f"{path.name} differs from its newest released version ({latest['file']}, id "
                f"{latest['id']}): release it as version {latest['version'] + 1} with a new id"
            )
    return problems
