"""The caller's progress across their analysed interviews: trends to chart, and their history
as a PDF."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from analysis.trends import trend_point, trends
from gateway.db.history import HistoryQueries
from gateway.deps import CurrentUser, ReadModelDep, answers_for_user
from gateway.models.interviews import InterviewType
from gateway.models.progress import ProgressPublic
from gateway.params import TEXT_PATTERN
from gateway.pdf_reports import history_report

router = APIRouter(prefix="/me", tags=["progress"])

Company = Annotated[
    str | None,
    Query(max_length=200, pattern=TEXT_PATTERN, description="Only interviews at this company (any case)."),
]
TypeFilter = Annotated[InterviewType | None, Query(description="Only interviews of this type.")]


async def _progress(
    read_model: ReadModelDep, user_id: str, company: str | None, interview_type: str | None
) -> dict[str, Any]:
    rows = await HistoryQueries(read_model).analysed_interviews(user_id)
    points = [trend_point(row, {**row["document"], "completed_at": row["completed_at"]}) for row in rows]
    return trends(points, company=company, interview_type=interview_type)


@router.get("/progress", response_model=ProgressPublic, responses=answers_for_user())
async def get_progress(
    user: CurrentUser,
    read_model: ReadModelDep,
    company: Company = None,
    interview_type: TypeFilter = None,
) -> ProgressPublic:
    """Your overall score, confidence, filler words per minute, STAR completeness and pace for
    each analysed interview, oldest first, and how each moved from the first to the latest."""
    return ProgressPublic.model_validate(await _progress(read_model, user.user_id, company, interview_type))


@router.get(
    "/progress.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
    | answers_for_user(),
)
async def download_history(
    user: CurrentUser,
    read_model: ReadModelDep,
    company: Company = None,
    interview_type: TypeFilter = None,
) -> Response:
    """Your history of interviews as a PDF (the same filters as `/me/progress`)."""
    progress = await _progress(read_model, user.user_id, company, interview_type)
    pdf = await asyncio.to_thread(history_report, user.user_id, progress)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="interview-history.pdf"'},
    )
