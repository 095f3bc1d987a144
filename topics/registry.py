"""Schema ids from a Confluent-compatible schema registry.

Speaks the part of the Confluent Schema Registry REST API that Confluent's registry and
Apicurio Registry (under ``/apis/ccompat/v7``) both serve, so ``url`` is the base of that API:
``http://host:8081`` for Confluent, ``http://host:8081/apis/ccompat/v7`` for Apicurio.

Subjects follow the RecordNameStrategy (the subject is the record's full name): one record type
sits on several topics, and test prefixes change topic names, so a topic-named subject would
split one schema's history in many.

A framed id means what the registry says it means. A record written with an id from the
committed id table is looked up in the registry like any other: it reads only when the
registry's schema of that id resolves into the reader's schema; otherwise decoding fails with a
:class:`SerializationError` (a different record, or an id the registry does not know), and
never reads one record's bytes as another's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import fastavro
import httpx
from fastavro.schema import SchemaParseException

from topics import schemas
from topics.errors import ContractError, SchemaRegistryError, SerializationError, UnknownSchemaError

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
#: Confluent's code for "schema not found". A bare 404 without it means the URL is wrong (no
#: registry API there), which must not turn every message into an "unknown schema" dead letter.
SCHEMA_NOT_FOUND = 40403


def subject_for(record_name: str) -> str:
    """RecordNameStrategy: the subject of a record's schema is its full name."""
    return record_name


class RegistryIds:
    """Implements ``topics.codec.SchemaIds`` against a schema registry, caching every answer.

    Calls are synchronous and block the caller, but only the first time a schema or an id is
    seen: after that both directions come from the caches, which only ever gain entries (an id
    never changes meaning in a registry), so sharing one instance between tasks is safe. It
    holds no open connection, so it needs no closing.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 3.0,
        attempts: int = 3,
        backoff_s: float = 0.2,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.url = url.rstrip("/")
        self._timeout_s = timeout_s
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._sleep = sleep
        self._transport = transport
        self._ids: dict[str, int] = {}
        self._writers: dict[int, Any] = {}

    def id_for(self, name: str) -> int:
        """The registry's id for the current schema of record ``name``, registering it if new."""
        if name not in self._ids:
            schema_id = self.register(subject_for(name), _current_schema(name))
            # The registry now holds exactly this schema under that id: decoding our own
            # records needs no second round trip.
            self._writers.setdefault(schema_id, schemas.parsed(name))
            self._ids[name] = schema_id
        return self._ids[name]

    def writer_schema(self, schema_id: int) -> Any:
        """The parsed schema a record framed with ``schema_id`` was written with."""
        if schema_id not in self._writers:
            self._writers[schema_id] = self._fetch_writer(schema_id)
        return self._writers[schema_id]

    def register_all(self) -> dict[str, int]:
        """Register the current version of every schema in ``schemas/avro/``: record name -> id."""
        return {name: self.id_for(name) for name in schemas.current_schemas()}

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        """Register ``schema`` under ``subject``; the registry answers the existing id when it has it."""
        what = f"register schema {subject}"
        body = {"schema": json.dumps(schema, separators=(",", ":"))}
        answer = self._json(self._send("POST", f"/subjects/{_quoted(subject)}/versions", body, what), what)
        schema_id = answer.get("id")
        if not isinstance(schema_id, int):
            raise SchemaRegistryError(f"cannot {what}: the registry at {self.url} answered without an id")
        return schema_id

    def set_compatibility(self, subject: str, level: str) -> None:
        """Make the registry refuse new versions of ``subject`` that break ``level`` (e.g. BACKWARD)."""
        what = f"set compatibility {level} on {subject}"
        self._json(self._send("PUT", f"/config/{_quoted(subject)}", {"compatibility": level}, what), what)

    def _fetch_writer(self, schema_id: int) -> Any:
        what = f"look up schema id {schema_id}"
        response = self._send("GET", f"/schemas/ids/{schema_id}", None, what)
        if response.status_code == 404 and _error_code(response) == SCHEMA_NOT_FOUND:
            raise UnknownSchemaError(f"schema id {schema_id} is not in the schema registry at {self.url}")
        answer = self._json(response, what)
        schema_type = answer.get("schemaType", "AVRO")
        if schema_type != "AVRO":
            raise SerializationError(f"schema id {schema_id} is a {schema_type} schema, not Avro")
        if answer.get("references"):
            raise SerializationError(
                f"schema id {schema_id} uses schema references, which this codec does not follow"
            )
        text = answer.get("schema")
        if not isinstance(text, str):
            raise SchemaRegistryError(f"cannot {what}: the registry at {self.url} answered without a schema")
        try:
            return fastavro.parse_schema(json.loads(text), named_schemas={})
        except (ValueError, TypeError, KeyError, SchemaParseException) as exc:
            raise SerializationError(
                f"schema id {schema_id} in the registry is not a valid Avro schema: {exc}"
            ) from exc

    def _send(self, method: str, path: str, body: dict[str, Any] | None, what: str) -> httpx.Response:
        """One request, retried with exponential backoff while the registry is away or failing (5xx).

        Retrying a registration is safe: the registry answers the same id for the same schema.
        """
        content = None if body is None else json.dumps(body)
        headers = None if body is None else {"Content-Type": CONTENT_TYPE}
        status: int | None = None
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._request(method, path, content, headers)
            except httpx.TimeoutException:
                failure = f"did not answer within {self._timeout_s:g} s"
            except httpx.TransportError as exc:
                failure = f"is not reachable ({exc})"
            else:
                if response.status_code < 500:
                    return response
                status = response.status_code
                failure = f"answered {status}: {_message(response)}"
            if attempt < self._attempts:
                self._sleep(self._backoff_s * 2 ** (attempt - 1))
        raise SchemaRegistryError(
            f"cannot {what}: the schema registry at {self.url} {failure} (tried {self._attempts} times)",
            status=status,
        )

    def _request(
        self, method: str, path: str, content: str | None, headers: dict[str, str] | None
    ) -> httpx.Response:
        # A client per request: requests happen only when a cache misses (a few per process),
        # so holding no connection spares the codec a close() it has no place to call.
        with httpx.Client(
            base_url=self.url,
            timeout=self._timeout_s,
            transport=self._transport,
            headers={"Accept": f"{CONTENT_TYPE}, application/json"},
        ) as client:
            return client.request(method, path, content=content, headers=headers)

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        status = response.status_code
        code = _error_code(response)
        if status >= 400:
            raise SchemaRegistryError(
                f"cannot {what}: {_refusal(status, code)} (registry at {self.url}: {_message(response)})",
                status=status,
                error_code=code,
            )
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SchemaRegistryError(
                f"cannot {what}: the registry at {self.url} answered {status} without JSON"
            )
        return answer


def _refusal(status: int, error_code: int | None) -> str:
    if status == 409:
        return "the schema is not compatible with the versions the registry holds for this subject"
    if status == 422:
        return "the registry finds the request invalid"
    if status in (401, 403):
        return "the registry refuses our credentials"
    if status == 404 and error_code is not None:
        return "the registry does not know it"
    if status == 404:
        return "nothing there answers like a schema registry: check the URL (Apicurio: .../apis/ccompat/v7)"
    return f"the registry answered {status}"


def _current_schema(name: str) -> dict[str, Any]:
    path = schemas.current_schemas().get(name)
    if path is None:
        raise ContractError(f"no schema named {name!r} in {schemas.SCHEMA_DIR}")
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def _quoted(subject: str) -> str:
    return quote(subject, safe="")


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_code(response: httpx.Response) -> int | None:
    code = _error_body(response).get("error_code")
    return code if isinstance(code, int) else None


def _message(response: httpx.Response) -> str:
    message = _error_body(response).get("message")
    return str(message) if message else response.text[:200] or response.reason_phrase
