"""Schema ids from a real Confluent-compatible registry: Apicurio Registry's ``/apis/ccompat/v7``.

Uses the registry at ``IB_SCHEMA_REGISTRY_URL`` (default ``http://127.0.0.1:8081/apis/ccompat/v7``)
when one answers there; otherwise starts Apicurio with ``dev/registry/run.sh`` for the session and
stops it afterwards. A registry that cannot be had fails these tests, never skips them.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from fastavro.utils import generate_one

from topics import schemas
from topics.catalog import INTERVIEW_UPLOADED
from topics.codec import AvroCodec, IdTable, codec_from_settings
from topics.errors import SchemaRegistryError, SerializationError, UnknownSchemaError
from topics.registry import RegistryIds

pytestmark = pytest.mark.stack

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_REGISTRY = REPO_ROOT / "dev" / "registry" / "run.sh"
APICURIO_API_PATH = "/apis/ccompat/v7"
DEFAULT_URL = f"http://127.0.0.1:8081{APICURIO_API_PATH}"

UPLOADED_NAME = INTERVIEW_UPLOADED.value_schema
UPLOADED = {
    "interview_id": "i-registry",
    "user_id": "u-registry",
    "blob_uri": "file:///tmp/registry.wav",
    "filename": "registry.wav",
    "content_type": "audio/wav",
    "size_bytes": 4321,
    "sha256": "cd" * 32,
    "uploaded_at": 1_700_000_000_000,
    "duration_seconds": 75.5,
    "has_audio": True,
    "read_url": "https://example.blob.core.windows.net/recordings/registry.wav?sp=r&sig=x",
    "run": 1,
}


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/subjects", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def schema_registry_url() -> Iterator[str]:
    """The base URL of a Confluent-compatible registry API that answers."""
    url = (os.environ.get("IB_SCHEMA_REGISTRY_URL") or DEFAULT_URL).rstrip("/")
    if _answers(url):
        yield url
        return
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost") or parts.path != APICURIO_API_PATH or not parts.port:
        pytest.fail(f"no schema registry answers at {url}, and it is not one dev/registry/run.sh can start")
    env = {**os.environ, "IB_SCHEMA_REGISTRY_PORT": str(parts.port)}
    started = subprocess.run(
        [str(RUN_REGISTRY), "start"], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    if started.returncode != 0 or not _answers(url):
        output = started.stdout + started.stderr
        pytest.fail(f"could not start Apicurio Registry with {RUN_REGISTRY}:\n{output}")
    yield url
    subprocess.run([str(RUN_REGISTRY), "stop"], capture_output=True, env=env, timeout=60, check=True)


@pytest.fixture
def registry(schema_registry_url: str) -> RegistryIds:
    """A fresh client (empty caches), with every schema of ``schemas/avro/`` registered."""
    ids = RegistryIds(schema_registry_url)
    ids.register_all()
    return ids


def _record_name(parsed_schema: Any) -> str:
    return str(parsed_schema["name"])  # fastavro spells a parsed record's name in full


def test_every_schema_is_registered_under_its_record_name_once(schema_registry_url: str) -> None:
    ids = RegistryIds(schema_registry_url).register_all()
    again = RegistryIds(schema_registry_url).register_all()

    assert again == ids, "registering the same schemas again must not mint new ids"
    assert len(set(ids.values())) == len(ids)
    subjects = httpx.get(f"{schema_registry_url}/subjects", timeout=5).json()
    assert set(ids) <= set(subjects)
    reader = RegistryIds(schema_registry_url)
    for name, schema_id in ids.items():
        assert _record_name(reader.writer_schema(schema_id)) == name


def test_an_event_round_trips_between_a_producer_and_a_consumer_through_the_registry(
    registry: RegistryIds, schema_registry_url: str
) -> None:
    producer = codec_from_settings(schema_registry_url)
    consumer = codec_from_settings(schema_registry_url)  # its own caches: it must ask the registry

    data = producer.encode(UPLOADED_NAME, UPLOADED)
    decoded = consumer.decode(data, UPLOADED_NAME)

    assert int.from_bytes(data[1:5], "big") == registry.id_for(UPLOADED_NAME)
    assert {key: value for key, value in decoded.items() if key != "uploaded_at"} == {
        key: value for key, value in UPLOADED.items() if key != "uploaded_at"
    }
    assert int(decoded["uploaded_at"].timestamp() * 1000) == UPLOADED["uploaded_at"]


def test_an_id_unknown_to_the_registry_is_an_unknown_schema(registry: RegistryIds) -> None:
    body = AvroCodec().encode(UPLOADED_NAME, UPLOADED)[5:]
    unknown = (2**31 - 1).to_bytes(4, "big")

    with pytest.raises(UnknownSchemaError, match="not in the schema registry"):
        AvroCodec(registry).decode(b"\x00" + unknown + body, UPLOADED_NAME)


def test_a_record_framed_with_an_id_table_id_reads_by_what_the_registry_says_that_id_is(
    registry: RegistryIds,
) -> None:
    """Switching to a registry does not translate old ids: the framed id is looked up in the
    registry. Where it means another record there (or nothing), decoding fails as a poison
    message would; where it means the same record, the record reads. It is never misread."""
    table_codec = AvroCodec(IdTable())
    registry_codec = AvroCodec(registry)
    refused: list[str] = []
    for name in schemas.current_schemas():
        table_id = IdTable().id_for(name)
        table_framed = table_codec.encode(name, generate_one(schemas.parsed(name)))
        try:
            meaning_in_registry: str | None = _record_name(registry.writer_schema(table_id))
        except UnknownSchemaError:
            meaning_in_registry = None

        if meaning_in_registry == name:
            decoded = registry_codec.decode(table_framed, name)
            assert registry_codec.encode(name, decoded)[5:] == table_framed[5:]
        else:
            with pytest.raises(SerializationError, match=f"schema id {table_id}"):
                registry_codec.decode(table_framed, name)
            refused.append(name)
    assert refused, "the registry gave every record its id-table id: nothing here shows a mismatch"


def test_the_registry_refuses_a_backward_incompatible_change_of_a_subject(registry: RegistryIds) -> None:
    # A subject of this test's own (a record name under a unique namespace), so the real
    # subjects and other runs against the same registry are untouched.
    version_1 = json.loads(schemas.current_schemas()[UPLOADED_NAME].read_text())
    version_1["namespace"] = f"t{uuid.uuid4().hex[:8]}.{version_1['namespace']}"
    subject = f"{version_1['namespace']}.{version_1['name']}"
    first_id = registry.register(subject, version_1)
    registry.set_compatibility(subject, "BACKWARD")

    required_field = {**version_1, "fields": [*version_1["fields"], {"name": "language", "type": "string"}]}
    with pytest.raises(SchemaRegistryError, match="not compatible") as refused:
        registry.register(subject, required_field)
    assert refused.value.status == 409

    optional_field = {
        **version_1,
        "fields": [*version_1["fields"], {"name": "language", "type": ["null", "string"], "default": None}],
    }
    second_id = registry.register(subject, optional_field)
    assert second_id != first_id
    versions = httpx.get(f"{registry.url}/subjects/{quote(subject, safe='')}/versions", timeout=5).json()
    assert versions == [1, 2], "the refused version must not have been stored"
