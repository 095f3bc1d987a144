"""Prep versus actual for one interview: its analysis' comparison with the prep session it was
linked to, or why there is none (not linked, not analysed yet, linked after the analysis, the
session deleted)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.deps import CurrentUser, ReadModelDep, answers_for_user
from gateway.errors import AnalysisNotReady, GatewayError, InterviewNotFound
from gateway.models.prep_comparison import PrepComparisonPublic
from gateway.params import Id
from gateway.routes.interviews import load_interview
from gateway.routes.results import analysis_of

router = APIRouter(prefix="/interviews", tags=["prep"])


class NoPrepComparison(GatewayError):
    code = "no_prep_comparison"
    status_code = 404
    user_message = (
        "This interview has no comparison with a prep session (the message says why): link the "
        "prep session you practised with, and analyse the interview."
    )


NOT_LINKED = (
    "This interview is not linked to a prep session, so there is nothing to compare. Choose the "
    "prep session you practised with when you create an interview."
)
LINKED_AFTER = (
    "This interview was analysed before it was linked to its prep session: analyse it again to "
    "compare it with your practice."
)
SESSION_GONE = (
    "The prep session this interview was linked to was deleted before the analysis, so there is "
    "nothing to compare."
)


def _comparison(document: dict[str, Any]) -> dict[str, Any] | None:
    content = document.get("content")
    found = content.get("prep_comparison") if isinstance(content, dict) else None
    return found if isinstance(found, dict) else None


@router.get(
    "/{interview_id}/prep-comparison",
    response_model=PrepComparisonPublic,
    responses=answers_for_user(InterviewNotFound, AnalysisNotReady, NoPrepComparison),
)
async def get_prep_comparison(
    interview_id: Id, user: CurrentUser, read_model: ReadModelDep
) -> PrepComparisonPublic:
    """What you practised beside what you were asked: the practised questions that were asked
    (each practised answer beside the actual one, sentences kept, dropped and added, the change
    in STAR, relevance and confidence), the unexpected questions, the practised ones not asked,
    and the improvement score."""
    interview = await load_interview(read_model, interview_id, user.user_id)
    if not interview.get("prep_session_id"):
        raise NoPrepComparison(f"interview {interview_id} has no prep session", user_message=NOT_LINKED)
    _, document = await analysis_of(read_model, interview_id, user.user_id)
    comparison = _comparison(document)
    if comparison is None:
        raise NoPrepComparison(f"analysis of {interview_id} has no comparison", user_message=LINKED_AFTER)
    if comparison.get("status") != "compared":
        raise NoPrepComparison(f"prep session of {interview_id} was gone", user_message=SESSION_GONE)
    return PrepComparisonPublic.model_validate({**comparison, "interview_id": interview_id})
