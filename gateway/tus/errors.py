"""The tus protocol's refusals, answered by the gateway's one error handler."""

from __future__ import annotations

from gateway.errors import GatewayError, RecordingTooLarge


class TusError(GatewayError):
    code = "tus_error"
    status_code = 400


class InvalidTusRequest(TusError):
    code = "invalid_tus_request"
    status_code = 400
    user_message = "The upload request is not valid tus 1.0.0. Use a tus client (tus-js-client, tuspy)."


class TusVersionUnsupported(TusError):
    code = "tus_version_unsupported"
    status_code = 412
    user_message = "This server speaks tus 1.0.0 only: send 'Tus-Resumable: 1.0.0'."


class UploadNotFound(TusError):
    code = "upload_not_found"
    status_code = 404
    user_message = "There is no upload with this id in your account. Start the upload again."


class UploadExpired(TusError):
    code = "upload_expired"
    status_code = 410
    user_message = "This upload expired before it was finished. Start the upload again."


class UploadOffsetMismatch(TusError):
    code = "upload_offset_mismatch"
    status_code = 409
    user_message = "The upload's offset moved on: ask the server for it (HEAD) and resume from there."


class UploadAlreadyCompleted(TusError):
    code = "upload_completed"
    status_code = 409
    user_message = "This upload is complete; delete the interview to remove its recording."


class UploadLocked(TusError):
    code = "upload_locked"
    status_code = 423
    user_message = "Another request is writing to this upload. Wait for it to finish, then resume."


class ChecksumMismatch(TusError):
    code = "checksum_mismatch"
    status_code = 460
    user_message = "The chunk arrived damaged (checksum mismatch) and was discarded. Send it again."


class WrongContentType(TusError):
    code = "wrong_content_type"
    status_code = 415
    user_message = "A PATCH body must be sent as 'Content-Type: application/offset+octet-stream'."


class UploadTooLarge(RecordingTooLarge):
    """Over the size limit, declared at creation or sent beyond the declared length."""
