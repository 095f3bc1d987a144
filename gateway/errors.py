"""The gateway's errors, and the one place that turns project errors into HTTP answers."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from sinks.errors import AnalysisStillRunning, BlobStoreError, NoRecordingToAnalyse, ReadModelUnavailable
from topics.errors import InterviewBuddyError, SchemaRegistryError

log = logging.getLogger(__name__)


class GatewayError(InterviewBuddyError):
    code = "gateway_error"
    status_code = 500

    def __init__(
        self, message: str = "", *, user_message: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, user_message=user_message)
        #: Sent with the answer (e.g. the current ``ETag`` with a 412).
        self.headers = headers or {}


class AuthenticationFailed(GatewayError):
    code = "unauthenticated"
    status_code = 401
    user_message = "Sign in again: the request has no valid bearer token."


class InterviewNotFound(GatewayError):
    code = "interview_not_found"
    status_code = 404
    user_message = "There is no interview with this id in your account."


class PrepSessionNotFound(GatewayError):
    code = "prep_session_not_found"
    status_code = 404
    user_message = "There is no prep session or question with this id in your account."


class AnalysisNotReady(GatewayError):
    code = "analysis_not_ready"
    status_code = 404
    user_message = "The analysis is not ready yet: the message says the interview's status."


class EmptyRecording(GatewayError):
    code = "empty_recording"
    status_code = 400
    user_message = "The upload was empty. Choose a recording file and upload it again."


class UnsupportedMediaType(GatewayError):
    code = "unsupported_media_type"
    status_code = 415
    user_message = "The file is not a recording we can read: upload an MP4, MOV, WebM, M4A or WAV file."


class RecordingTooLarge(GatewayError):
    code = "recording_too_large"
    status_code = 413
    user_message = "The recording is larger than the largest upload allowed (the message says how large)."


class RecordingAlreadyUploaded(GatewayError):
    code = "recording_already_uploaded"
    status_code = 409
    user_message = (
        "This interview already has a recording (or one is being uploaded). "
        "Create a new interview to analyse another recording."
    )


class QuotaExceeded(GatewayError):
    """The user's recordings would pass their quota; the message names the limit and the use."""

    code = "quota_exceeded"
    status_code = 403
    user_message = "The recording does not fit in your account's quota (the message says what is used)."


class PreconditionRequired(GatewayError):
    code = "precondition_required"
    status_code = 428
    user_message = (
        "Send 'If-Match' with the ETag from your last read of this interview, "
        "so that an edit made meanwhile elsewhere is not overwritten."
    )


class PreconditionFailed(GatewayError):
    code = "precondition_failed"
    status_code = 412
    user_message = (
        "This interview was changed since you read it (its ETag no longer matches). "
        "Reload it, then make your edit again."
    )


#: What a 503 for an unreachable broker tells a client to wait before it tries again: a broker
#: restarting is back within seconds, and a leader elected in about ten.
BROKER_RETRY_AFTER_SECONDS = 30


class BrokerUnavailable(GatewayError):
    code = "broker_unavailable"
    status_code = 503
    #: The answer's ``Retry-After`` says when.
    user_message = "Our event broker is not reachable right now; nothing was saved. Please try again."

    def __init__(self, message: str = "", *, user_message: str | None = None) -> None:
        super().__init__(
            message, user_message=user_message, headers={"Retry-After": str(BROKER_RETRY_AFTER_SECONDS)}
        )


#: Errors raised by other packages, answered with these status codes.
_STATUS_BY_KIND: tuple[tuple[type[InterviewBuddyError], int], ...] = (
    (ReadModelUnavailable, 503),
    (AnalysisStillRunning, 409),
    (NoRecordingToAnalyse, 409),
    (BlobStoreError, 503),
    (SchemaRegistryError, 503),
)


def status_of(kind: type[InterviewBuddyError]) -> int:
    if issubclass(kind, GatewayError):
        return kind.status_code
    for known, status in _STATUS_BY_KIND:
        if issubclass(kind, known):
            return status
    return 500


def status_for(error: InterviewBuddyError) -> int:
    return status_of(type(error))


class ErrorDetail(BaseModel):
    code: str = Field(description="What went wrong, for programs: stable, e.g. `interview_not_found`.")
    message: str = Field(description="What went wrong and what to do, for people.")


class ErrorBody(BaseModel):
    """Every refusal and failure the gateway answers (but 422, which says which input is invalid)."""

    error: ErrorDetail


def answers(*kinds: type[InterviewBuddyError]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route that may raise these errors: per status, the error
    body's schema and each error's code with what it tells the user."""
    by_status: dict[int, list[type[InterviewBuddyError]]] = {}
    for kind in kinds:
        by_status.setdefault(status_of(kind), []).append(kind)
    return {
        status: {
            "model": ErrorBody,
            "description": "\n\n".join(f"`{kind.code}`: {kind.user_message}" for kind in listed),
        }
        for status, listed in sorted(by_status.items())
    }


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InterviewBuddyError)
    status = status_for(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
    headers = dict(exc.headers) if isinstance(exc, GatewayError) else {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        status_code=status,
        content={"error": {"code": exc.code, "message": exc.user_message}},
        headers=headers or None,
    )


#: FastAPI's answer to a JSON body that is not even text (bytes that are not UTF-8).
_UNREADABLE_BODY = "There was an error parsing the body"


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (their paths carry the routers' prefixes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else (route,)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in _routes(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own refusals (no such path, method not allowed, a body that is
    not text) in the gateway's error body, and an unreadable JSON body as the 422 it is."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == _UNREADABLE_BODY:
        problem = {"type": "json_invalid", "loc": ["body"], "msg": "The body is not UTF-8 JSON."}
        return JSONResponse(status_code=422, content={"detail": [problem]})
    headers = dict(exc.headers or {})
    phrase = HTTPStatus(exc.status_code).phrase
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else f"{phrase}."
    if exc.status_code == 404:
        message = f"There is no {request.url.path} here: the API's paths are listed at /docs."
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
        message = f"{request.url.path} does not take {request.method}: it takes {headers['Allow']}."
    return JSONResponse(
        status_code=exc.status_code,
        content={"error": {"code": code, "message": message}},
        headers=headers or None,
    )


def install_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(InterviewBuddyError, _handle)
    app.add_exception_handler(HTTPException, _handle_http)
