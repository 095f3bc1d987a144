"""What the prep routes take and return: sessions, questions, practice answers and their feedback."""

from __future__ import annotations

from typing import Any

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


class PrepQuestionPublic(BaseModel):
    question_id: str
    text: str
    kind: str
    ai_generated: bool
    skill: str | None = None
    why: str | None = None
    attempts: int = 0
    latest_answer: str | None = None
    latest_feedback: dict[str, Any] | None = None


class PrepSessionPublic(BaseModel):
    prep_session_id: str
    company: str | None
    job_title: str | None
    interview_type: str | None
    job_description: str | None
    targeted: bool
    questions: list[PrepQuestionPublic]
    created_at: Any
    updated_at: Any
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
    created_at: Any


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
    feedback: dict[str, Any]
    created_at: Any


class TargetedPracticePublic(BaseModel):
    answers_seen: int
    levels: dict[str, int]
    weakest: list[str]
    questions: list[dict[str, Any]]
    progress: list[dict[str, Any]]
