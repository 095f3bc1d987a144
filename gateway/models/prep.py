"""What the prep routes take and return: sessions, questions, practice answers and their feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gateway.models.interviews import InterviewType
from gateway.models.text import Text


class PrepSessionCreate(BaseModel):
    company: Text | None = Field(default=None, max_length=200)
    job_title: Text | None = Field(default=None, max_length=200)
    interview_type: InterviewType | None = None
    job_description: Text | None = Field(default=None, max_length=20_000)
    question_count: int = Field(default=8, ge=1, le=20)
    targeted: bool = Field(
        default=False,
        description="Pick the questions for your weakest skills across your analysed interviews.",
    )


StarPartName = Literal["situation", "task", "action", "result"]


class StarPartsFound(BaseModel):
    situation: bool
    task: bool
    action: bool
    result: bool


class PracticeFeedback(BaseModel):
    """What a practice answer gets at once (``analysis.prep.practice_feedback``)."""

    star: StarPartsFound
    star_present: list[StarPartName]
    star_missing: list[StarPartName]
    star_score: int = Field(description="How complete the STAR structure is, 0-100.")
    relevance: int = Field(description="Relevance to the question and the job description, 0-100.")
    confidence: int = Field(description="How plainly it is said (hedges lower it), 0-100.")
    hedges: list[str] = Field(description='The hedges found, as written ("I think", "sort of").')
    word_count: int
    speaking_seconds: int = Field(
        description="About how long the answer takes to say, at 150 words a minute."
    )
    notes: list[str] = Field(description="What to change, most important first.")


class PrepQuestionPublic(BaseModel):
    question_id: str
    text: str
    kind: str
    ai_generated: bool
    skill: str | None = None
    why: str | None = None
    attempts: int = 0
    latest_answer: str | None = None
    latest_feedback: PracticeFeedback | None = None


class PrepSessionPublic(BaseModel):
    prep_session_id: str
    company: str | None
    job_title: str | None
    interview_type: str | None
    job_description: str | None
    targeted: bool
    questions: list[PrepQuestionPublic]
    created_at: datetime
    updated_at: datetime
    notice: str | None = Field(
        default=None, description="Set when the AI question writer failed and the bank stood in."
    )


class PrepSessionSummary(BaseModel):
    prep_session_id: str
    company: str | None
    job_title: str | None
    interview_type: str | None
    targeted: bool
    question_count: int
    answer_count: int
    created_at: datetime


class PrepSessionsPublic(BaseModel):
    items: list[PrepSessionSummary]
    total: int
    limit: int
    offset: int


class PracticeAnswerCreate(BaseModel):
    answer: Text = Field(min_length=1, max_length=10_000, description="Your answer, as you would say it.")


class PracticeAnswerPublic(BaseModel):
    answer_id: str
    question_id: str
    attempt: int
    answer: str
    feedback: PracticeFeedback
    created_at: datetime


SkillName = Literal["results", "actions", "context", "relevance", "confidence"]


class TargetedQuestion(BaseModel):
    id: str
    question: str
    kind: str
    skill: SkillName
    why: str = Field(description="The skill's level so far and what to do about it.")
    ai_generated: bool


class SkillLevelsAt(BaseModel):
    interview_id: str
    completed_at: str
    levels: dict[SkillName, int]


class TargetedPracticePublic(BaseModel):
    answers_seen: int
    levels: dict[SkillName, int] = Field(
        description="Per skill, the share of your analysed answers that got it right, 0-100."
    )
    weakest: list[SkillName]
    questions: list[TargetedQuestion]
    progress: list[SkillLevelsAt] = Field(description="The levels per analysed interview, oldest first.")
