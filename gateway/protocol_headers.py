"""Headers a protocol requires, read as optional by their routes and documented as required.

tus answers a request without ``Tus-Resumable`` with 412 and an edit without ``If-Match`` is
answered 428 (RFC 6585), where FastAPI would answer a missing required parameter with 422; so
the routes declare these headers optional and refuse a missing one themselves, and the
document still tells a client that it must send them (and, for ``Tus-Resumable``, the one value
it may send), which is what a client generated from the document, or a fuzzer, goes by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Header

_MARK = "x-required-by-protocol"


def protocol_header(description: str, *, values: Sequence[str] = ()) -> Any:
    """``Header(...)`` for a header the protocol requires (``values``: the only ones it takes)."""
    return Header(description=description, json_schema_extra={_MARK: list(values)})


def document_protocol_headers(app: FastAPI) -> None:
    """The app's document lists every :func:`protocol_header` as required, a plain string (or
    one of its values)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    for parameter in operation.get("parameters", []):
                        _require(parameter)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _require(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema", {})
    if _MARK not in schema:
        return
    values = schema.pop(_MARK)
    schema.pop("anyOf", None)
    schema["type"] = "string"
    if values:
        schema["enum"] = values
    parameter["required"] = True
