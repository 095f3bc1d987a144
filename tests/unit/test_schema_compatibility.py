"""Schema ids never change meaning, and each schema stays backward compatible: today's reader
reads what every released version wrote."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import fastavro
import pytest
from fastavro.utils import generate_many

from topics.schemas import SCHEMA_DIR, current_schemas, id_table, id_table_problems, parsed


def _round_trip(writer: object, reader: object, samples: int = 25) -> None:
    for record in generate_many(writer, samples):
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, writer, record)
        buffer.seek(0)
        fastavro.schemaless_reader(buffer, writer, reader)


def test_every_schema_file_has_an_id_and_every_id_a_frozen_file() -> None:
    names_with_ids = {entry.name for entry in id_table()}
    assert set(current_schemas()) == names_with_ids
    ids = [entry.id for entry in id_table()]
    assert len(ids) == len(set(ids)), "schema ids must be unique"
    versions = [(entry.name, entry.version) for entry in id_table()]
    assert len(versions) == len(set(versions)), "one id per schema version"
    assert id_table_problems() == []


@pytest.mark.parametrize("name", sorted(current_schemas()))
def test_current_schema_reads_every_released_version(name: str) -> None:
    reader = parsed(name)
    for entry in id_table():
        if entry.name == name:
            _round_trip(entry.parsed, reader)


@pytest.fixture
def schema_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "avro"
    shutil.copytree(SCHEMA_DIR, copy)
    return copy


def test_an_in_place_edit_of_a_released_file_is_caught(schema_copy: Path) -> None:
    entry = next(entry for entry in id_table() if entry.name.endswith(".InterviewUploaded"))
    edited = schema_copy / "released" / entry.path.name
    raw = json.loads(edited.read_text())
    raw["fields"].append({"name": "added_in_place", "type": ["null", "string"], "default": None})
    edited.write_text(json.dumps(raw))
    assert any(
        problem.startswith(f"id {entry.id}:") and "edited after its release" in problem
        for problem in id_table_problems(schema_copy)
    )


def test_a_current_schema_changed_without_a_new_version_is_caught(schema_copy: Path) -> None:
    current = schema_copy / "transcript_segment.avsc"
    raw = json.loads(current.read_text())
    raw["fields"].append({"name": "added_unreleased", "type": ["null", "string"], "default": None})
    current.write_text(json.dumps(raw))
    assert any(
        problem.startswith("transcript_segment.avsc differs from its newest released version")
        for problem in id_table_problems(schema_copy)
    )


def test_an_id_pointing_at_an_editable_file_is_caught(schema_copy: Path) -> None:
    table = schema_copy / "ids.json"
    entries = json.loads(table.read_text())
    entries[0]["file"] = "interview_metadata.avsc"
    table.write_text(json.dumps(entries))
    assert any("not a frozen file under released/" in problem for problem in id_table_problems(schema_copy))


def test_an_incompatible_change_is_caught() -> None:
    """The check itself must fail on a breaking change: a new field without a default."""
    writer = parsed("interviewbuddy.events.InterviewUploaded")
    raw = json.loads(current_schemas()["interviewbuddy.events.InterviewUploaded"].read_text())
    raw["fields"].append({"name": "added_without_default", "type": "string"})
    with pytest.raises(fastavro.read.SchemaResolutionError):
        _round_trip(writer, fastavro.parse_schema(raw, named_schemas={}))
