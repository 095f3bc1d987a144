"""The gateway's errors, and the one place that turns project errors into HTTP answers."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


class EmptyRecording(GatewayError):
    code = "empty_recording"
    status_code = 400
    user_message = "The upload was empty. Choose a recording file and upload it again."


class UnsupportedMediaType(GatewayError):
    code = "unsupported_media_type"
    status_code = 415


class RecordingTooLarge(GatewayError):
    code = "recording_too_large"
    status_code = 413


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


class BrokerUnavailable(GatewayError):
    code = "broker_unavailable"
    status_code = 503
    user_message = "Our event broker is not reachable right now; nothing was saved. Please try again."


#: Errors raised by other packages, answered with these status codes.
_STATUS_BY_KIND: tuple[tuple[type[InterviewBuddyError], int], ...] = (
    (ReadModelUnavailable, 503),
    (AnalysisStillRunning, 409),
    (NoRecordingToAnalyse, 409),
    (BlobStoreError, 503),
    (SchemaRegistryError, 503),
)


def status_for(error: InterviewBuddyError) -> int:
    if isinstance(error, GatewayError):
        return error.status_code
    for kind, status in _STATUS_BY_KIND:
        if isinstance(error, kind):
            return status
    return 500


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


def install_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(InterviewBuddyError, _handle)
