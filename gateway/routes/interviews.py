"""Interviews: create, list, read, edit (with optimistic locking), follow their status, analyse
again, delete."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from gateway.db.prep_sessions import PrepSessionQueries
from gateway.deps import (
    BlobStoreDep,
    CurrentUser,
    EraserDep,
    PublisherDep,
    ReadModelDep,
    ServicesDep,
    answers_for_user,
)
from gateway.errors import (
    BrokerUnavailable,
    InterviewNotFound,
    PreconditionFailed,
    PreconditionRequired,
    PrepSessionNotFound,
)
from gateway.etags import etag_for, versions_in_if_match
from gateway.models.interviews import (
    InterviewCreate,
    InterviewPublic,
    InterviewsPublic,
    InterviewUpdate,
    StatusPublic,
)
from gateway.params import Id, Limit, Offset
from gateway.protocol_headers import protocol_header
from gateway.uploads import internal_read_url
from sinks.errors import AnalysisStillRunning, BlobStoreError, NoRecordingToAnalyse
from sinks.read_model import ReadModel, Row, source_interview_id
from topics.errors import SchemaRegistryError

router = APIRouter(prefix="/interviews", tags=["interviews"])

_ETAG_HEADER: dict[str, Any] = {
    "ETag": {"description": "The interview's version: send it back in `If-Match` to edit it."}
}

_UPDATE_DOC = """Edit the interview's metadata: only the fields sent change; send null to clear one.

**`If-Match` is required.** Send the `ETag` of your last read (`GET /interviews/{id}`, or
the answer to the create or the previous edit). When someone edited the interview since,
the edit is refused with **412 Precondition Failed** and nothing changes: read it again
(the 412 carries the current `ETag`) and redo the edit. Without `If-Match` the answer is
**428 Precondition Required**. `If-Match: *` edits whatever the current version is
(last write wins), for clients that accept that. A successful edit answers with the new
`ETag`.
"""


async def load_interview(read_model: ReadModel, interview_id: str, user_id: str) -> Row:
    """The caller's interview; another user's looks exactly like a missing one."""
    return found_interview(await read_model.get_interview(interview_id, user_id), interview_id, user_id)


def found_interview(row: Row | None, interview_id: str, user_id: str) -> Row:
    if row is None:
        raise InterviewNotFound(f"interview {interview_id} not found for user {user_id}")
    return row


async def check_prep_session(read_model: ReadModel, prep_session_id: str | None, user_id: str) -> None:
    """A linked prep session must be one of the caller's own."""
    if prep_session_id and await PrepSessionQueries(read_model).get_session(prep_session_id, user_id) is None:
        raise PrepSessionNotFound(f"prep session {prep_session_id} not found for user {user_id}")


def _with_etag(response: Response, row: Row) -> InterviewPublic:
    response.headers["ETag"] = etag_for(int(row["version"]))
    return InterviewPublic.from_row(row)


@router.post(
    "",
    status_code=201,
    response_model=InterviewPublic,
    responses={
        201: {"headers": _ETAG_HEADER},
        **answers_for_user(PrepSessionNotFound, BrokerUnavailable, SchemaRegistryError),
    },
)
async def create_interview(
    body: InterviewCreate,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
    response: Response,
    services: ServicesDep,
) -> InterviewPublic:
    """Create an interview with what you know about it; upload its recording afterwards."""
    # Where the worker emails this interview's notifications: the address in the token, kept
    # (here and at /ws sign-in, where work that notifies starts; not on every request, so a
    # deleted account's reads after its deletion leave nothing behind).
    await services.contacts.seen(user.user_id, user.email)
    interview_id = str(uuid.uuid4())
    await check_prep_session(read_model, body.prep_session_id, user.user_id)
    await read_model.create_interview(
        interview_id, user.user_id, body.model_dump(), before_commit=publisher.publish_metadata
    )
    return _with_etag(response, await load_interview(read_model, interview_id, user.user_id))


@router.get("", response_model=InterviewsPublic, responses=answers_for_user())
async def list_interviews(
    user: CurrentUser, read_model: ReadModelDep, limit: Limit = 20, offset: Offset = 0
) -> InterviewsPublic:
    rows, count = await read_model.list_interviews(user.user_id, limit, offset)
    return InterviewsPublic(data=[InterviewPublic.from_row(row) for row in rows], count=count)


@router.get(
    "/{interview_id}",
    response_model=InterviewPublic,
    responses={200: {"headers": _ETAG_HEADER}, **answers_for_user(InterviewNotFound)},
)
async def get_interview(
    interview_id: Id, user: CurrentUser, read_model: ReadModelDep, response: Response
) -> InterviewPublic:
    return _with_etag(response, await load_interview(read_model, interview_id, user.user_id))


@router.patch(
    "/{interview_id}",
    response_model=InterviewPublic,
    description=_UPDATE_DOC,
    responses={
        200: {"headers": _ETAG_HEADER},
        **answers_for_user(
            InterviewNotFound,
            PrepSessionNotFound,
            PreconditionFailed,
            PreconditionRequired,
            BrokerUnavailable,
            SchemaRegistryError,
        ),
    },
)
async def update_interview(
    interview_id: Id,
    body: InterviewUpdate,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
    response: Response,
    if_match: Annotated[
        str | None,
        protocol_header("The `ETag` of the interview as you last read it, or `*` (without it: 428)."),
    ] = None,
) -> InterviewPublic:
    if if_match is None:
        raise PreconditionRequired(f"PATCH of interview {interview_id} without If-Match")
    expected_versions = versions_in_if_match(if_match)
    await check_prep_session(read_model, body.prep_session_id, user.user_id)
    updated = await read_model.update_interview(
        interview_id,
        user.user_id,
        body.model_dump(exclude_unset=True),
        before_commit=publisher.publish_metadata,
        expected_versions=expected_versions,
    )
    if updated is None:
        current = await load_interview(read_model, interview_id, user.user_id)  # 404 when missing
        raise PreconditionFailed(
            f"If-Match {if_match!r} on interview {interview_id} at version {current['version']}",
            headers={"ETag": etag_for(int(current["version"]))},
        )
    return _with_etag(response, await load_interview(read_model, interview_id, user.user_id))


@router.get(
    "/{interview_id}/status", response_model=StatusPublic, responses=answers_for_user(InterviewNotFound)
)
async def get_status(interview_id: Id, user: CurrentUser, read_model: ReadModelDep) -> StatusPublic:
    return StatusPublic.model_validate(await load_interview(read_model, interview_id, user.user_id))


_REANALYZE_DOC = """Analyse the interview's recording again, from the transcript on: for example
after the scoring changed, or when an analysis failed.

Allowed once the current analysis has **completed or failed**; while it is still moving the
answer is **409** (`analysis_still_running`), and when no recording is stored (none was
uploaded, or it was deleted) **409** (`no_recording`). Answers **202** with the status of the
new analysis: `UPLOADED`, under the next `run` number. Follow it as any analysis
(`GET /interviews/{id}/status`); the transcript, metrics and analysis of the earlier run stay
readable until the new run rewrites them (the analysis says its `run`). For a duplicate upload,
the original interview is analysed again.
"""


@router.post(
    "/{interview_id}/reanalyze",
    status_code=202,
    response_model=StatusPublic,
    description=_REANALYZE_DOC,
    responses=answers_for_user(
        InterviewNotFound,
        AnalysisStillRunning,
        NoRecordingToAnalyse,
        BrokerUnavailable,
        SchemaRegistryError,
        BlobStoreError,
    ),
)
async def reanalyze_interview(
    interview_id: Id,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
    blob_store: BlobStoreDep,
) -> StatusPublic:
    source_id = source_interview_id(await load_interview(read_model, interview_id, user.user_id))

    async def announce(row: dict[str, Any]) -> None:
        await publisher.publish_uploaded(row, read_url=internal_read_url(blob_store, row["blob_uri"]))

    if await read_model.start_reanalysis(source_id, user.user_id, announce) is None:
        raise InterviewNotFound(f"interview {source_id} not found for user {user.user_id}")
    return StatusPublic.model_validate(await load_interview(read_model, interview_id, user.user_id))


_DELETE_DOC = """Delete the interview for good: its recording, transcript, metrics and analysis.

While the recording is still being transcribed or analysed, that stops. Interviews that are
duplicates of this one (the same file uploaded again) are deleted with it. Answers **204**;
a missing interview (or one deleted already) is **404**.
"""


@router.delete(
    "/{interview_id}",
    status_code=204,
    description=_DELETE_DOC,
    responses=answers_for_user(InterviewNotFound, BlobStoreError, BrokerUnavailable),
)
async def delete_interview(interview_id: Id, user: CurrentUser, eraser: EraserDep) -> Response:
    if not await eraser.delete_interview(interview_id, user.user_id):
        raise InterviewNotFound(f"interview {interview_id} not found for user {user.user_id}")
    return Response(status_code=204)
