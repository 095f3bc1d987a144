"""The tus 1.0.0 endpoints at ``/uploads/``: OPTIONS, POST (creation), HEAD, PATCH, DELETE."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from gateway.db.uploads import LockedUpload, UploadQueries, UploadRow
from gateway.deps import (
    BlobStoreDep,
    CurrentUser,
    PublisherDep,
    ReadModelDep,
    SettingsDep,
    TusStoreDep,
    answers_for_user,
)
from gateway.errors import (
    BrokerUnavailable,
    EmptyRecording,
    InterviewNotFound,
    QuotaExceeded,
    RecordingAlreadyUploaded,
    UnsupportedMediaType,
)
from gateway.params import ID_PATTERN
from gateway.protocol_headers import protocol_header
from gateway.quota import QuotaLimits, QuotaUsage, check_room
from gateway.tus import protocol
from gateway.tus.errors import (
    ChecksumMismatch,
    InvalidTusRequest,
    TusVersionUnsupported,
    UploadAlreadyCompleted,
    UploadExpired,
    UploadLocked,
    UploadNotFound,
    UploadOffsetMismatch,
    UploadTooLarge,
    WrongContentType,
)
from gateway.tus.service import EXPIRES_IN, TusServices, complete, receive_patch, terminate
from sinks.errors import BlobStoreError
from topics.errors import InterviewBuddyError, SchemaRegistryError


class TusRoute(APIRoute):
    """Every answer, errors included, carries ``Tus-Resumable`` as the protocol requires."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tus_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except InterviewBuddyError as exc:
                # The gateway's one error handler writes the answer; only the header is ours.
                response = await request.app.exception_handlers[InterviewBuddyError](request, exc)
            response.headers["Tus-Resumable"] = protocol.TUS_VERSION
            if response.status_code == 412:
                response.headers["Tus-Version"] = protocol.TUS_VERSION
            return response

        return tus_handler


router = APIRouter(prefix="/uploads", tags=["uploads"], route_class=TusRoute)


async def get_tus_services(
    read_model: ReadModelDep,
    publisher: PublisherDep,
    settings: SettingsDep,
    blob_store: BlobStoreDep,
    tus_store: TusStoreDep,
) -> TusServices:
    return TusServices(
        uploads=UploadQueries(read_model),
        store=tus_store,
        read_model=read_model,
        publisher=publisher,
        settings=settings,
        blob_store=blob_store,
    )


TusServicesDep = Annotated[TusServices, Depends(get_tus_services)]
OptionalHeader = Annotated[str | None, Header()]


async def _version(
    tus_resumable: Annotated[
        str | None,
        protocol_header(
            f"The tus version: `{protocol.TUS_VERSION}` (without it, or any other: 412).",
            values=[protocol.TUS_VERSION],
        ),
    ] = None,
) -> None:
    protocol.check_version(tus_resumable)


TusVersion = Depends(_version)


async def _usage(services: TusServices, user_id: str) -> QuotaUsage:
    recordings, size = await services.read_model.recording_usage(user_id)
    return QuotaUsage(recordings=recordings, bytes=size)


async def _load(services: TusServices, upload_id: str, user_id: str) -> UploadRow:
    upload = await services.uploads.get(upload_id, user_id) if upload_id.isalnum() else None
    if upload is None:
        raise UploadNotFound(f"upload {upload_id} not found for user {user_id}")
    if upload.completed_at is None and upload.expires_at <= datetime.now(UTC):
        raise UploadExpired(f"upload {upload_id} expired at {upload.expires_at}")
    return upload


def _state_headers(upload: UploadRow) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.upload_offset), "Cache-Control": "no-store"}
    if upload.upload_length is None:
        headers["Upload-Defer-Length"] = "1"
    else:
        headers["Upload-Length"] = str(upload.upload_length)
    if upload.completed_at is None:
        headers["Upload-Expires"] = protocol.http_date(upload.expires_at)
    return headers


def _check_body_type(content_type: str | None) -> None:
    if (content_type or "").split(";")[0].strip().lower() != protocol.OFFSET_CONTENT_TYPE:
        raise WrongContentType(f"PATCH with Content-Type {content_type!r}")


async def _receive(
    services: TusServices,
    locked: LockedUpload,
    upload: UploadRow,
    request: Request,
    checksum: protocol.UploadChecksum | None,
    content_length: int | None,
) -> UploadRow:
    try:
        return await receive_patch(
            services, locked, upload, request.stream(), checksum=checksum, content_length=content_length
        )
    except ClientDisconnect:
        # Nobody is listening; what arrived is stored and HEAD will say how much.
        reloaded = await locked.reload()
        return reloaded or upload


@router.options("/", status_code=204, include_in_schema=False)
@router.options("/{upload_id}", status_code=204, include_in_schema=False)
async def describe_server(settings: SettingsDep) -> Response:
    return Response(
        status_code=204,
        headers={
            "Tus-Version": protocol.TUS_VERSION,
            "Tus-Extension": ",".join(protocol.EXTENSIONS),
            "Tus-Max-Size": str(settings.max_upload_bytes),
            "Tus-Checksum-Algorithm": ",".join(protocol.CHECKSUM_ALGORITHMS),
        },
    )


#: What storing the bytes and handing over a finished upload may answer.
_RECEIVING = (
    UploadTooLarge,
    ChecksumMismatch,
    QuotaExceeded,
    UnsupportedMediaType,
    RecordingAlreadyUploaded,
    BlobStoreError,
    BrokerUnavailable,
    SchemaRegistryError,
)


@router.post(
    "/",
    status_code=201,
    dependencies=[TusVersion],
    responses=answers_for_user(
        TusVersionUnsupported,
        InvalidTusRequest,
        EmptyRecording,
        WrongContentType,
        InterviewNotFound,
        *_RECEIVING,
    ),
)
async def create_upload(
    request: Request,
    user: CurrentUser,
    services: TusServicesDep,
    upload_length: OptionalHeader = None,
    upload_defer_length: OptionalHeader = None,
    upload_metadata: OptionalHeader = None,
    upload_checksum: OptionalHeader = None,
) -> Response:
    """Create an upload for one of your interviews (metadata ``interview_id``, ``filename``, ``filetype``)."""
    length = protocol.parse_creation_length(
        upload_length, upload_defer_length, services.settings.max_upload_bytes
    )
    # Content-Type and Content-Length frame the request: read, not declared as parameters.
    content_type, content_length = request.headers.get("content-type"), request.headers.get("content-length")
    if length == 0:
        raise EmptyRecording("Upload-Length 0")
    metadata = protocol.parse_metadata(upload_metadata)
    interview_id = protocol.metadata_text(metadata, "interview_id")
    if not interview_id:
        raise InvalidTusRequest(
            "no interview_id metadata",
            user_message="Say which interview the recording belongs to: Upload-Metadata 'interview_id'.",
        )
    if not re.fullmatch(ID_PATTERN, interview_id):
        raise InvalidTusRequest(
            f"interview_id metadata {interview_id!r} is not an id",
            user_message="The upload's 'interview_id' metadata is not an interview's id: send the id "
            "that creating the interview answered.",
        )
    with_body = content_type is not None
    if with_body:
        _check_body_type(content_type)
    checksum = protocol.parse_checksum(upload_checksum)
    body_length = protocol.parse_size("Content-Length", content_length)
    limits = QuotaLimits.from_settings(services.settings)
    check_room(await _usage(services, user.user_id), limits, length)

    claim = await services.read_model.claim_upload(interview_id, user.user_id)
    if claim == "missing":
        raise InterviewNotFound(f"interview {interview_id} not found for user {user.user_id}")
    if claim == "taken":
        raise RecordingAlreadyUploaded(f"interview {interview_id} already has a recording")
    upload_id = uuid.uuid4().hex
    try:
        await services.store.create(user.user_id, upload_id)
        upload = await services.uploads.create(
            upload_id=upload_id,
            user_id=user.user_id,
            interview_id=interview_id,
            upload_length=length,
            metadata={
                key: None if raw is None else base64.b64encode(raw).decode("ascii")
                for key, raw in metadata.items()
            },
            expires_in=EXPIRES_IN,
        )
    except BaseException:
        await services.store.delete(user.user_id, upload_id)
        await services.read_model.release_upload_claim(interview_id, user.user_id)
        raise
    try:
        # Uploads created at the same moment all passed the check above; counted again with
        # this one in, none of them can take the user past the quota.
        check_room((await _usage(services, user.user_id)).without(length or 0), limits, length)
    except QuotaExceeded:
        async with services.uploads.try_lock(upload_id) as locked:
            assert locked is not None  # nobody else knows this id yet
            await terminate(services, locked, upload)
        raise
    if with_body:  # creation-with-upload
        async with services.uploads.try_lock(upload_id) as locked:
            assert locked is not None  # nobody else knows this id yet
            upload = await _receive(services, locked, upload, request, checksum, body_length)
    location = str(request.url_for("upload_status", upload_id=upload_id))
    return Response(status_code=201, headers={"Location": location, **_state_headers(upload)})


router.add_api_route(
    "", create_upload, methods=["POST"], status_code=201, dependencies=[TusVersion], include_in_schema=False
)


@router.head(
    "/{upload_id}",
    name="upload_status",
    dependencies=[TusVersion],
    responses=answers_for_user(TusVersionUnsupported, UploadNotFound, UploadExpired),
)
async def upload_status(upload_id: str, user: CurrentUser, services: TusServicesDep) -> Response:
    """How many bytes of the upload are stored: resume from ``Upload-Offset``."""
    upload = await _load(services, upload_id, user.user_id)
    headers = _state_headers(upload)
    if upload.metadata:
        headers["Upload-Metadata"] = ",".join(
            key if value is None else f"{key} {value}" for key, value in upload.metadata.items()
        )
    return Response(status_code=200, headers=headers)


@router.patch(
    "/{upload_id}",
    status_code=204,
    dependencies=[TusVersion],
    responses=answers_for_user(
        TusVersionUnsupported,
        InvalidTusRequest,
        WrongContentType,
        UploadNotFound,
        UploadExpired,
        UploadLocked,
        UploadOffsetMismatch,
        *_RECEIVING,
    ),
)
async def append_to_upload(
    upload_id: str,
    request: Request,
    user: CurrentUser,
    services: TusServicesDep,
    upload_offset: OptionalHeader = None,
    upload_length: OptionalHeader = None,
    upload_checksum: OptionalHeader = None,
) -> Response:
    """Send the next bytes, starting at the upload's current ``Upload-Offset``."""
    content_length = request.headers.get("content-length")
    _check_body_type(request.headers.get("content-type"))
    offset = protocol.parse_size("Upload-Offset", upload_offset)
    if offset is None:
        raise InvalidTusRequest("no Upload-Offset", user_message="A PATCH must say its Upload-Offset.")
    declared_length = protocol.parse_size("Upload-Length", upload_length)
    checksum = protocol.parse_checksum(upload_checksum)
    body_length = protocol.parse_size("Content-Length", content_length)
    await _load(services, upload_id, user.user_id)
    async with services.uploads.try_lock(upload_id) as locked:
        if locked is None:
            raise UploadLocked(f"upload {upload_id} is being written by another request")
        upload = await locked.reload()
        if upload is None:
            raise UploadNotFound(f"upload {upload_id} was terminated")
        if not protocol.check_offset(offset, upload.upload_offset):
            raise UploadOffsetMismatch(f"PATCH at {offset}, upload {upload_id} is at {upload.upload_offset}")
        if declared_length is not None:
            upload = await _declare_length(services, locked, upload, declared_length)
        if upload.completed_at is None:
            if upload.upload_length is not None and upload.upload_offset == upload.upload_length:
                # An earlier hand-over failed (e.g. the broker was down): try it again.
                await complete(services, locked, upload)
                upload = await locked.reload() or upload
            else:
                upload = await _receive(services, locked, upload, request, checksum, body_length)
    headers = {"Upload-Offset": str(upload.upload_offset)}
    if upload.completed_at is None:
        headers["Upload-Expires"] = protocol.http_date(upload.expires_at)
    return Response(status_code=204, headers=headers)


async def _declare_length(
    services: TusServices, locked: LockedUpload, upload: UploadRow, length: int
) -> UploadRow:
    """creation-defer-length: the first PATCH that knows the size says it, once."""
    if upload.upload_length is not None:
        if length != upload.upload_length:
            raise InvalidTusRequest(
                f"Upload-Length {length} != {upload.upload_length}",
                user_message="The upload's length is already set and cannot change.",
            )
        return upload
    protocol.check_size(length, services.settings.max_upload_bytes)
    if length < upload.upload_offset or length == 0:
        raise InvalidTusRequest(
            f"Upload-Length {length} below offset {upload.upload_offset}",
            user_message="Upload-Length cannot be smaller than what was already uploaded.",
        )
    # Until now this upload counted with the bytes it holds; now it counts with its length.
    usage = (await _usage(services, upload.user_id)).without(upload.upload_offset)
    check_room(usage, QuotaLimits.from_settings(services.settings), length)
    await locked.set_length(length)
    return await locked.reload() or upload


@router.delete(
    "/{upload_id}",
    status_code=204,
    dependencies=[TusVersion],
    responses=answers_for_user(
        TusVersionUnsupported,
        UploadNotFound,
        UploadExpired,
        UploadAlreadyCompleted,
        UploadLocked,
        BlobStoreError,
    ),
)
async def terminate_upload(upload_id: str, user: CurrentUser, services: TusServicesDep) -> Response:
    """Cancel an unfinished upload: its stored bytes are deleted."""
    upload = await _load(services, upload_id, user.user_id)
    if upload.completed_at is not None:
        raise UploadAlreadyCompleted(f"upload {upload_id} is complete")
    async with services.uploads.try_lock(upload_id) as locked:
        if locked is None:
            raise UploadLocked(f"upload {upload_id} is being written by another request")
        await terminate(services, locked, upload)
    return Response(status_code=204)
