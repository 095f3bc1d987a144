"""The API answers as its OpenAPI document says, for any request a client could send.

Schemathesis generates requests from the gateway's own document (valid and invalid ones, for
every operation) and sends them over HTTP to a real gateway process: every answer must have
a documented status code and content type, match the documented schema and headers, and
never be a server error. The web app's types are generated from this document, so what it
leaves out a client cannot handle.

A schema-valid request must be accepted too: answered 2xx, or refused for what the server
holds rather than for its form (401, 403, 404, 409, 429, as schemathesis has it, and 412: a
well-formed `If-Match` can name a version since edited). The headers a protocol requires
(`Tus-Resumable`, `If-Match`) are documented as required for that. The tus operations are
held to every check but this one: their headers carry what a parameter's schema cannot state
(base64 metadata pairs naming an interview of the caller's, Upload-Length or else
Upload-Defer-Length), so a request valid by the document is often not one by the protocol; the
protocol has its own tests (`test_tus_uploads.py`, `test_tus_client.py`). Besides single requests,
schemathesis' stateful phase chains them along the document's links (create an interview, then
read, edit, upload to and delete it) under the same checks. One check is left out on purpose:
"a schema-violating request is refused" (pydantic reads `0` as `false`).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dev.service_processes import ServiceProcess, gateway_process, new_prefix
from gateway.auth import DevIssuer
from gateway.params import MAX_OFFSET
from gateway.settings import Settings
from tests.integration.gateway_helpers import RunningGateway
from topics.admin import delete_prefixed_topics

pytestmark = pytest.mark.stack
#: The in-process gateway fixture lives on the session's event loop.
on_session_loop = pytest.mark.asyncio(loop_scope="session")

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    positive_data_acceptance,
]
#: What a schema-valid request may be answered: schemathesis' own list, and 412 (see above).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
#: Examples per operation and kind (valid, invalid): about 1,300 requests in all.
EXAMPLES = 25
#: Sequences of calls along the document's links, and calls per sequence.
SEQUENCES = 30
STEPS = 8


@pytest.fixture(scope="module")
def gateway_process_for_fuzzing(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    process = gateway_process(new_prefix(), tmp_path_factory.mktemp("fuzz"), kafka_bootstrap, database_url)
    process.start()
    yield process
    process.stop()
    asyncio.run(delete_prefixed_topics(kafka_bootstrap, process.topic_prefix))


#: Headers of the HTTP connection itself, not of the API.
TRANSPORT_HEADERS = {"content-length", "transfer-encoding", "host", "connection", "expect", "upgrade"}


@pytest.fixture(scope="module")
def fuzz_auth(gateway_process_for_fuzzing: ServiceProcess) -> dict[str, str]:
    settings = Settings(run_dir=gateway_process_for_fuzzing.run_dir)
    issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
    return {"Authorization": f"Bearer {issuer.issue('fuzz-user')}"}


@pytest.fixture(scope="module")
def api_schema(gateway_process_for_fuzzing: ServiceProcess) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(gateway_process_for_fuzzing.url + "/openapi.json")
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(expected_statuses=ACCEPTED)
    return schema


def checks_for(case: schemathesis.Case) -> list[Any]:
    if case.operation.path.startswith("/uploads"):
        return [check for check in CHECKS if check is not positive_data_acceptance]
    return CHECKS


def without_transport_headers(case: schemathesis.Case) -> None:
    """A made-up Content-Length or Transfer-Encoding is the HTTP server's to refuse (uvicorn
    answers 400 before any route), not the API's document's to describe."""
    if case.headers:
        case.headers = {
            name: value for name, value in case.headers.items() if name.lower() not in TRANSPORT_HEADERS
        }


def test_every_answer_is_documented(
    api_schema: schemathesis.BaseSchema,
    gateway_process_for_fuzzing: ServiceProcess,
    fuzz_auth: dict[str, str],
) -> None:
    """Valid and invalid requests for every operation; all the operations' failures in one report.

    (One test rather than schemathesis' pytest plugin, whose lazy schemas do not run on pytest 9.)
    """
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def answer_as_documented(case: schemathesis.Case) -> None:
                without_transport_headers(case)
                case.call_and_validate(
                    base_url=gateway_process_for_fuzzing.url, headers=fuzz_auth, checks=checks_for(case)
                )

            try:
                answer_as_documented()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation without input has no invalid one
            except Exception as failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)


def test_sequences_of_calls_along_the_links_answer_as_documented(
    api_schema: schemathesis.BaseSchema,
    gateway_process_for_fuzzing: ServiceProcess,
    fuzz_auth: dict[str, str],
) -> None:
    """The stateful phase: each call's answer feeds the next one's parameters (an interview's id
    from its creation, its ETag from a read), so the calls reach the resources they name."""
    machine = api_schema.as_state_machine()

    class SignedInSequences(machine):  # type: ignore[misc, valid-type]
        def before_call(self, case: schemathesis.Case) -> None:
            without_transport_headers(case)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            return {"base_url": gateway_process_for_fuzzing.url, "headers": fuzz_auth}

        def validate_response(self, response: object, case: schemathesis.Case, **kwargs: object) -> None:
            case.validate_response(response, checks=checks_for(case))

    run_state_machine_as_test(
        SignedInSequences,
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_document_lists_the_error_body_for_each_refusal(
    gateway_process_for_fuzzing: ServiceProcess,
) -> None:
    document = httpx.get(gateway_process_for_fuzzing.url + "/openapi.json").json()
    patch = document["paths"]["/interviews/{interview_id}"]["patch"]["responses"]
    assert {"401", "404", "412", "428", "503"} <= set(patch)
    assert patch["412"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert "precondition_failed" in patch["412"]["description"]
    upload = document["paths"]["/uploads/{upload_id}"]["patch"]["responses"]
    assert {"409", "410", "412", "413", "415", "423", "460"} <= set(upload)


# --- bad input, each named ------------------------------------------------------------------


@on_session_loop
async def test_an_offset_past_the_last_page_is_refused_with_422(gateway: RunningGateway, user: str) -> None:
    for path in ("/interviews", "/prep-sessions"):
        answer = await gateway.client.get(path, params={"offset": 10**33}, headers=gateway.auth(user))
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["query", "offset"]
        at_bound = await gateway.client.get(path, params={"offset": MAX_OFFSET}, headers=gateway.auth(user))
        assert at_bound.status_code == 200, at_bound.text


@on_session_loop
async def test_a_body_that_is_not_text_is_refused_with_422(gateway: RunningGateway, user: str) -> None:
    answer = await gateway.client.post(
        "/interviews",
        content=b"\x14\xff\x0b\xfe",
        headers={**gateway.auth(user), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == "json_invalid"


@on_session_loop
async def test_a_method_the_path_does_not_take_names_every_one_it_does(gateway: RunningGateway) -> None:
    answer = await gateway.client.put("/interviews/some-id")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "DELETE, GET, PATCH"
    assert answer.json()["error"]["code"] == "method_not_allowed"


@on_session_loop
async def test_an_unknown_path_answers_the_error_body(gateway: RunningGateway, tmp_path: Path) -> None:
    answer = await gateway.client.get("/no-such-thing")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert "/docs" in answer.json()["error"]["message"]


@on_session_loop
async def test_text_with_a_nul_character_is_refused_with_422_naming_where(
    gateway: RunningGateway, user: str
) -> None:
    """PostgreSQL cannot store NUL: it answered 500 before (found by the fuzzer)."""
    auth = gateway.auth(user)
    answers = {
        ("body", "company"): await gateway.client.post(
            "/interviews", json={"company": "a\x00b"}, headers=auth
        ),
        ("body", "answer"): await gateway.client.post(
            "/prep-sessions/some-session/questions/b-conflict/answers", json={"answer": "\x00"}, headers=auth
        ),
        ("path", "interview_id"): await gateway.client.get("/interviews/a%00b", headers=auth),
        ("query", "q"): await gateway.client.get("/interviews/some-id/transcript?q=a%00", headers=auth),
    }
    for where, answer in answers.items():
        assert answer.status_code == 422, (where, answer.text)
        assert tuple(answer.json()["detail"][0]["loc"]) == where


@on_session_loop
async def test_a_tus_upload_for_an_id_that_is_not_one_is_refused(gateway: RunningGateway, user: str) -> None:
    answer = await gateway.client.post(
        "/uploads/",
        headers={
            **gateway.auth(user),
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "10",
            "Upload-Metadata": "interview_id " + base64.b64encode(b"a\x00b").decode(),
        },
    )
    assert answer.status_code == 400
    assert "not an interview's id" in answer.json()["error"]["message"]
