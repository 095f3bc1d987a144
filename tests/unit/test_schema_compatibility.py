"""Each schema stays backward compatible: today's reader reads what every earlier
version in the id table wrote, and what the last commit's version wrote."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import fastavro
import pytest
from fastavro.utils import generate_many

from topics.schemas import SCHEMA_DIR, current_schemas, id_table, parsed

REPO_ROOT = SCHEMA_DIR.parents[1]


def _round_trip(writer: object, reader: object, samples: int = 25) -> None:
    for record in generate_many(writer, samples):
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, writer, record)
        buffer.seek(0)
        fastavro.schemaless_reader(buffer, writer, reader)


def test_every_schema_file_has_an_id_and_every_id_a_file() -> None:
    names_with_ids = {entry.name for entry in id_table()}
    assert set(current_schemas()) == names_with_ids
    ids = [entry.id for entry in id_table()]
    assert len(ids) == len(set(ids)), "schema ids must be unique"
    for entry in id_table():
        assert entry.path.is_file(), f"{entry.path} named in ids.json is missing"


@pytest.mark.parametrize("name", sorted(current_schemas()))
def test_current_schema_reads_every_older_version(name: str) -> None:
    reader = parsed(name)
    for entry in id_table():
        if entry.name == name:
            _round_trip(entry.parsed, reader)


def _committed_text(path: Path) -> str | None:
    relative = path.relative_to(REPO_ROOT)
    result = subprocess.run(
        ["git", "show", f"HEAD:{relative.as_posix()}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


@pytest.mark.parametrize("name", sorted(current_schemas()))
def test_current_schema_reads_the_last_committed_version(name: str) -> None:
    committed = _committed_text(current_schemas()[name])
    if committed is None:
        return  # a schema added by this change has no committed version yet
    _round_trip(fastavro.parse_schema(json.loads(committed), named_schemas={}), parsed(name))


def test_an_incompatible_change_is_caught() -> None:
    """The check itself must fail on a breaking change: a new field without a default."""
    writer = parsed("interviewbuddy.events.InterviewUploaded")
    raw = json.loads(current_schemas()["interviewbuddy.events.InterviewUploaded"].read_text())
    raw["fields"].append({"name": "added_without_default", "type": "string"})
    with pytest.raises(fastavro.read.SchemaResolutionError):
        _round_trip(writer, fastavro.parse_schema(raw, named_schemas={}))
