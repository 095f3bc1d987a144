"""The messages of ``/ws`` in the OpenAPI document's components.

A WebSocket route has no place in OpenAPI's ``paths``, but its messages are as much the API as
any response body: listed under ``components.schemas`` (``ReadyMessage``,
``InterviewStateMessage``, ``NotificationMessage``, ``PongMessage``), clients get their types
from the document (the web app's ``schema.d.ts``) instead of copying them by hand.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from gateway.live.messages import SERVER_MESSAGES

REF_TEMPLATE = "#/components/schemas/{model}"


def live_message_schemas() -> dict[str, Any]:
    """Each server message's JSON schema (and those it refers to), by model name."""
    _, schemas = models_json_schema(
        [(model, "serialization") for model in SERVER_MESSAGES], ref_template=REF_TEMPLATE
    )
    definitions: dict[str, Any] = schemas.get("$defs", {})
    return definitions


def document_live_messages(app: FastAPI) -> None:
    """Add the ``/ws`` messages to ``app``'s OpenAPI document when it is first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            components = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in live_message_schemas().items():
                # A shape the routes use too (StatusPublic) is already there, the same.
                components.setdefault(name, schema)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
