"""Interviews: create, list, read, edit, and follow their status."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from gateway.deps import CurrentUser, PublisherDep, ReadModelDep
from gateway.errors import InterviewNotFound
from gateway.models import (
    InterviewCreate,
    InterviewPublic,
    InterviewsPublic,
    InterviewUpdate,
    StatusPublic,
)
from sinks.read_model import ReadModel, Row

router = APIRouter(prefix="/interviews", tags=["interviews"])


async def load_interview(read_model: ReadModel, interview_id: str, user_id: str) -> Row:
    """The caller's interview; another user's looks exactly like a missing one."""
    row = await read_model.get_interview(interview_id, user_id)
    if row is None:
        raise InterviewNotFound(f"interview {interview_id} not found for user {user_id}")
    return row


@router.post("", status_code=201, response_model=InterviewPublic)
async def create_interview(
    body: InterviewCreate, user: CurrentUser, read_model: ReadModelDep, publisher: PublisherDep
) -> InterviewPublic:
    interview_id = str(uuid.uuid4())
    await read_model.create_interview(
        interview_id, user.user_id, body.model_dump(), before_commit=publisher.publish_metadata
    )
    return InterviewPublic.from_row(await load_interview(read_model, interview_id, user.user_id))


@router.get("", response_model=InterviewsPublic)
async def list_interviews(
    user: CurrentUser,
    read_model: ReadModelDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InterviewsPublic:
    rows, count = await read_model.list_interviews(user.user_id, limit, offset)
    return InterviewsPublic(data=[InterviewPublic.from_row(row) for row in rows], count=count)


@router.get("/{interview_id}", response_model=InterviewPublic)
async def get_interview(interview_id: str, user: CurrentUser, read_model: ReadModelDep) -> InterviewPublic:
    return InterviewPublic.from_row(await load_interview(read_model, interview_id, user.user_id))


@router.patch("/{interview_id}", response_model=InterviewPublic)
async def update_interview(
    interview_id: str,
    body: InterviewUpdate,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
) -> InterviewPublic:
    updated = await read_model.update_interview(
        interview_id,
        user.user_id,
        body.model_dump(exclude_unset=True),
        before_commit=publisher.publish_metadata,
    )
    if updated is None:
        raise InterviewNotFound(f"interview {interview_id} not found for user {user.user_id}")
    return InterviewPublic.from_row(await load_interview(read_model, interview_id, user.user_id))


@router.get("/{interview_id}/status", response_model=StatusPublic)
async def get_status(interview_id: str, user: CurrentUser, read_model: ReadModelDep) -> StatusPublic:
    return StatusPublic.model_validate(await load_interview(read_model, interview_id, user.user_id))
