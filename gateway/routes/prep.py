"""Interview prep: sessions of questions for a job, practice by text with instant feedback,
and targeted practice for the user's weakest skills."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter

from analysis.content.embeddings import shared_embedder
from analysis.content.offline_analyzer import OfflineAnalyzer
from analysis.prep.practice_feedback import analyse_practice, practice_feedback
from analysis.prep.question_writer import (
    JobToPrepare,
    SessionQuestion,
    WrittenQuestions,
    question_writer_from_settings,
)
from analysis.prep.targeted import skill_progress, targeted_questions
from gateway.db.prep_sessions import PrepSessionQueries, session_event
from gateway.deps import CurrentUser, PublisherDep, ReadModelDep, answers_for_user
from gateway.errors import BrokerUnavailable, GatewayError, PrepSessionNotFound
from gateway.models.prep import (
    PracticeAnswerCreate,
    PracticeAnswerPublic,
    PrepSessionCreate,
    PrepSessionPublic,
    PrepSessionsPublic,
    PrepSessionSummary,
    SkillLevelsAt,
    TargetedPracticePublic,
)
from gateway.params import Id, Limit, Offset
from topics.catalog import PREP_SESSIONS

log = logging.getLogger(__name__)
router = APIRouter(prefix="/prep-sessions", tags=["prep"])
practice_router = APIRouter(prefix="/practice", tags=["prep"])


class NothingToTarget(GatewayError):
    code = "nothing_to_target"
    status_code = 409
    user_message = (
        "There are no analysed interviews yet to target: analyse one first, "
        "or create a prep session for a job."
    )


def _analyzer() -> OfflineAnalyzer:
    return OfflineAnalyzer(shared_embedder())


async def _targeted_questions(
    body: PrepSessionCreate, prep: PrepSessionQueries, user_id: str
) -> list[SessionQuestion]:
    picked = targeted_questions(await prep.analysed_interviews(user_id), count=body.question_count)
    return [
        {
            "question_id": item["id"],
            "text": item["question"],
            "kind": item["kind"],
            "ai_generated": False,
            "skill": item["skill"],
            "why": item["why"],
        }
        for item in picked["questions"]
    ]


async def _questions(body: PrepSessionCreate, prep: PrepSessionQueries, user_id: str) -> WrittenQuestions:
    """The session's questions, with a notice when the AI writer was wanted but failed."""
    if body.targeted:
        return WrittenQuestions(await _targeted_questions(body, prep, user_id))
    job = JobToPrepare(body.job_title, body.interview_type, body.job_description, body.question_count)
    return await question_writer_from_settings(embedder=shared_embedder()).write(job)


@router.post(
    "",
    status_code=201,
    response_model=PrepSessionPublic,
    responses=answers_for_user(NothingToTarget, BrokerUnavailable),
)
async def create_prep_session(
    body: PrepSessionCreate, user: CurrentUser, read_model: ReadModelDep, publisher: PublisherDep
) -> PrepSessionPublic:
    """Questions for the job: written by Claude when the service has a key, otherwise (or
    when Claude fails, said in `notice`) from the curated bank ranked by the job description;
    each says whether it is AI-generated. With `targeted`, for your weakest skills so far."""
    prep = PrepSessionQueries(read_model)
    written = await _questions(body, prep, user.user_id)
    if not written.questions:
        raise NothingToTarget(f"no analysed answers of {user.user_id} to target")
    session = await prep.create_session(
        user.user_id,
        body.model_dump(),
        written.questions,
        lambda row: publisher.publish(PREP_SESSIONS, session_event(row)),
        targeted=body.targeted,
    )
    return PrepSessionPublic.model_validate({**session, "notice": written.notice})


@router.get("", response_model=PrepSessionsPublic, responses=answers_for_user())
async def list_prep_sessions(
    user: CurrentUser, read_model: ReadModelDep, limit: Limit = 20, offset: Offset = 0
) -> PrepSessionsPublic:
    rows, total = await PrepSessionQueries(read_model).list_sessions(user.user_id, limit, offset)
    return PrepSessionsPublic(
        items=[PrepSessionSummary.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{prep_session_id}", response_model=PrepSessionPublic, responses=answers_for_user(PrepSessionNotFound)
)
async def get_prep_session(
    prep_session_id: Id, user: CurrentUser, read_model: ReadModelDep
) -> PrepSessionPublic:
    session = await PrepSessionQueries(read_model).get_session(prep_session_id, user.user_id)
    if session is None:
        raise PrepSessionNotFound(f"prep session {prep_session_id} not found for {user.user_id}")
    return PrepSessionPublic.model_validate(session)


@router.post(
    "/{prep_session_id}/questions/{question_id}/answers",
    status_code=201,
    response_model=PracticeAnswerPublic,
    responses=answers_for_user(PrepSessionNotFound, BrokerUnavailable),
)
async def answer_question(
    prep_session_id: Id,
    question_id: Id,
    body: PracticeAnswerCreate,
    user: CurrentUser,
    read_model: ReadModelDep,
    publisher: PublisherDep,
) -> PracticeAnswerPublic:
    """Practise: answer a question in text and get feedback at once (STAR parts present and
    missing, relevance, hedges, length). Answer again as often as you like; every attempt is kept."""
    prep = PrepSessionQueries(read_model)
    session = await prep.get_session(prep_session_id, user.user_id)
    question = next(
        (q for q in (session or {}).get("questions", []) if q["question_id"] == question_id), None
    )
    if session is None or question is None:
        raise PrepSessionNotFound(f"question {question_id} of {prep_session_id} not found for {user.user_id}")
    analysis = await asyncio.to_thread(
        analyse_practice, _analyzer(), question["text"], body.answer, session["job_description"]
    )
    feedback = practice_feedback(analysis, body.answer)
    row = await prep.add_answer(
        prep_session_id,
        question_id,
        user.user_id,
        body.answer,
        feedback,
        lambda updated: publisher.publish(PREP_SESSIONS, session_event(updated)),
    )
    if row is None:
        raise PrepSessionNotFound(f"question {question_id} of {prep_session_id} not found for {user.user_id}")
    return PracticeAnswerPublic.model_validate(row)


@router.get(
    "/{prep_session_id}/questions/{question_id}/answers",
    response_model=list[PracticeAnswerPublic],
    responses=answers_for_user(PrepSessionNotFound),
)
async def list_answers(
    prep_session_id: Id, question_id: Id, user: CurrentUser, read_model: ReadModelDep
) -> list[PracticeAnswerPublic]:
    prep = PrepSessionQueries(read_model)
    if await prep.get_session(prep_session_id, user.user_id) is None:
        raise PrepSessionNotFound(f"prep session {prep_session_id} not found for {user.user_id}")
    rows = await prep.list_answers(prep_session_id, question_id, user.user_id)
    return [PracticeAnswerPublic.model_validate(row) for row in rows]


@practice_router.get("/targeted", response_model=TargetedPracticePublic, responses=answers_for_user())
async def targeted_practice(user: CurrentUser, read_model: ReadModelDep) -> TargetedPracticePublic:
    """Your weakest skills across your analysed interviews, questions to practise them, and
    each skill's level per interview over time."""
    interviews = await PrepSessionQueries(read_model).analysed_interviews(user.user_id)
    progress = [SkillLevelsAt.model_validate(point) for point in skill_progress(interviews)]
    return TargetedPracticePublic(**targeted_questions(interviews), progress=progress)
