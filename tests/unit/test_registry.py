"""Schema ids from a Confluent-compatible registry: the requests it gets, the answers it gives,
and what a producer or a consumer sees when the registry refuses or is away.

The registry is ``httpx.MockTransport`` answering as Confluent's and Apicurio's ccompat API do;
``tests/integration/test_schema_registry.py`` runs the same calls against a real Apicurio.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from topics import schemas
from topics.catalog import INTERVIEW_UPLOADED
from topics.codec import AvroCodec, codec_from_settings
from topics.errors import SchemaRegistryError, SerializationError, UnknownSchemaError
from topics.registry import CONTENT_TYPE, RegistryIds

URL = "http://registry.test/apis/ccompat/v7"
UPLOADED_NAME = INTERVIEW_UPLOADED.value_schema
UPLOADED = {
    "interview_id": "i-1",
    "user_id": "u-1",
    "blob_uri": "file:///tmp/x.wav",
    "filename": "x.wav",
    "content_type": "audio/wav",
    "size_bytes": 1234,
    "sha256": "ab" * 32,
    "uploaded_at": 1_700_000_000_000,
}

Handler = Callable[[httpx.Request], httpx.Response]


class Registry:
    """Records every request and answers it with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def ids(self, *, attempts: int = 3) -> RegistryIds:
        return RegistryIds(
            URL,
            attempts=attempts,
            backoff_s=0.2,
            transport=httpx.MockTransport(self._answer),
            sleep=self.sleeps.append,
        )

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def error(status: int, error_code: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error_code": error_code, "message": message})


def schema_answer(name: str) -> httpx.Response:
    return httpx.Response(200, json={"schema": schemas.current_schemas()[name].read_text()})


def framed(schema_id: int, body: bytes) -> bytes:
    return b"\x00" + schema_id.to_bytes(4, "big") + body


def avro_body(value: dict[str, object]) -> bytes:
    """The Avro body (no framing) of ``value`` as InterviewUploaded."""
    return AvroCodec().encode(UPLOADED_NAME, value)[5:]


def test_a_schema_is_registered_under_its_record_name_and_its_id_framed() -> None:
    registry = Registry(lambda request: httpx.Response(200, json={"id": 4711}))
    codec = AvroCodec(registry.ids())

    data = codec.encode(UPLOADED_NAME, UPLOADED)

    assert int.from_bytes(data[1:5], "big") == 4711
    (request,) = registry.requests
    assert request.method == "POST"
    assert request.url.path == f"/apis/ccompat/v7/subjects/{UPLOADED_NAME}/versions"
    assert request.headers["Content-Type"] == CONTENT_TYPE
    sent = json.loads(json.loads(request.content)["schema"])
    assert sent == json.loads(schemas.current_schemas()[UPLOADED_NAME].read_text())


def test_own_records_encode_and_decode_with_one_registration_and_no_lookup() -> None:
    registry = Registry(lambda request: httpx.Response(200, json={"id": 12}))
    codec = AvroCodec(registry.ids())

    for _ in range(3):
        decoded = codec.decode(codec.encode(UPLOADED_NAME, UPLOADED), UPLOADED_NAME)

    assert decoded["sha256"] == UPLOADED["sha256"]
    assert [request.method for request in registry.requests] == ["POST"]


def test_an_unknown_id_is_looked_up_once_then_cached() -> None:
    registry = Registry(lambda request: schema_answer(UPLOADED_NAME))
    ids = registry.ids()
    data = framed(321, avro_body(UPLOADED))

    first = AvroCodec(ids).decode(data, UPLOADED_NAME)
    second = AvroCodec(ids).decode(data, UPLOADED_NAME)  # a codec of its own: the cache is the registry's

    assert first == second
    assert first["filename"] == "x.wav"
    (request,) = registry.requests
    assert (request.method, request.url.path) == ("GET", "/apis/ccompat/v7/schemas/ids/321")


def test_an_id_the_registry_does_not_know_is_an_unknown_schema_to_dead_letter() -> None:
    registry = Registry(lambda request: error(404, 40403, "Schema 999 not found"))
    codec = AvroCodec(registry.ids())

    with pytest.raises(UnknownSchemaError, match="schema id 999 is not in the schema registry"):
        codec.decode(framed(999, avro_body(UPLOADED)), UPLOADED_NAME)
    assert len(registry.requests) == 1, "a 404 is an answer, not a failure to retry"


def test_a_url_without_a_registry_behind_it_is_not_blamed_on_the_message() -> None:
    registry = Registry(lambda request: httpx.Response(404, text="<html>Not Found</html>"))

    with pytest.raises(SchemaRegistryError, match="check the URL") as caught:
        AvroCodec(registry.ids()).decode(framed(5, avro_body(UPLOADED)), UPLOADED_NAME)
    assert not isinstance(caught.value, SerializationError)


def test_an_id_that_names_another_record_is_refused_not_misread() -> None:
    registry = Registry(lambda request: schema_answer("interviewbuddy.events.DeadLetter"))

    with pytest.raises(SerializationError, match="schema id 2"):
        AvroCodec(registry.ids()).decode(framed(2, avro_body(UPLOADED)), UPLOADED_NAME)


def test_a_non_avro_schema_id_is_refused() -> None:
    registry = Registry(
        lambda request: httpx.Response(200, json={"schema": 'syntax = "proto3";', "schemaType": "PROTOBUF"})
    )

    with pytest.raises(SerializationError, match="PROTOBUF schema, not Avro"):
        registry.ids().writer_schema(8)


def test_an_incompatible_schema_is_refused_with_the_registrys_reason_and_not_retried() -> None:
    registry = Registry(lambda request: error(409, 409, "Incompatible artifact: [required_new at /fields/8]"))

    with pytest.raises(SchemaRegistryError, match=r"not compatible.*required_new") as caught:
        AvroCodec(registry.ids()).encode(UPLOADED_NAME, UPLOADED)
    assert (caught.value.status, caught.value.error_code) == (409, 409)
    assert len(registry.requests) == 1
    assert registry.sleeps == []


def test_a_failing_registry_is_retried_with_growing_pauses_until_it_answers() -> None:
    answers = iter(
        [error(500, 50001, "store error"), httpx.Response(503), httpx.Response(200, json={"id": 7})]
    )
    registry = Registry(lambda request: next(answers))

    assert registry.ids().id_for(UPLOADED_NAME) == 7
    assert len(registry.requests) == 3
    assert registry.sleeps == [0.2, 0.4]


def test_a_registry_failing_every_attempt_raises_the_projects_error() -> None:
    registry = Registry(lambda request: error(500, 50001, "Error in the backend data store"))

    refusal = r"answered 500: Error in the backend.*tried 3 times"
    with pytest.raises(SchemaRegistryError, match=refusal) as caught:
        registry.ids().id_for(UPLOADED_NAME)
    assert caught.value.status == 500
    assert len(registry.requests) == 3
    assert not isinstance(caught.value, SerializationError), "an outage must not dead-letter messages"


def test_a_registry_that_does_not_answer_in_time_is_retried_then_reported() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    registry = Registry(time_out)

    with pytest.raises(SchemaRegistryError, match=r"did not answer within 3 s \(tried 2 times\)"):
        registry.ids(attempts=2).writer_schema(1)
    assert len(registry.requests) == 2
    assert registry.sleeps == [0.2]


def test_an_unreachable_registry_is_reported_with_its_url() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    registry = Registry(refuse)

    with pytest.raises(SchemaRegistryError, match=f"at {URL} is not reachable"):
        registry.ids(attempts=1).id_for(UPLOADED_NAME)


def test_a_registration_answer_without_an_id_is_an_error() -> None:
    registry = Registry(lambda request: httpx.Response(200, json={"version": 1}))

    with pytest.raises(SchemaRegistryError, match="without an id"):
        registry.ids().id_for(UPLOADED_NAME)


def test_compatibility_is_set_per_subject() -> None:
    registry = Registry(lambda request: httpx.Response(200, json={"compatibility": "BACKWARD"}))

    registry.ids().set_compatibility(UPLOADED_NAME, "BACKWARD")

    (request,) = registry.requests
    assert (request.method, request.url.path) == ("PUT", f"/apis/ccompat/v7/config/{UPLOADED_NAME}")
    assert json.loads(request.content) == {"compatibility": "BACKWARD"}


def test_register_all_registers_every_schema_in_the_schema_directory() -> None:
    registry = Registry(lambda request: httpx.Response(200, json={"id": len(registry.requests)}))

    ids = registry.ids().register_all()

    assert set(ids) == set(schemas.current_schemas())
    assert sorted(ids.values()) == list(range(1, len(ids) + 1))


@pytest.mark.parametrize("registry_url", [None, "", "  "])
def test_without_a_registry_url_the_codec_frames_id_table_ids(registry_url: str | None) -> None:
    data = codec_from_settings(registry_url).encode(UPLOADED_NAME, UPLOADED)

    assert int.from_bytes(data[1:5], "big") == schemas.current_version(UPLOADED_NAME).id
