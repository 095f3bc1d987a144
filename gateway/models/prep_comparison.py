"""What the prep comparison route returns: an analysed interview set beside the prep session it
was linked to (``analysis.prep.comparison``, kept in the analysis' ``content.prep_comparison``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TalkingPoints(BaseModel):
    kept: list[str] = Field(description="Sentences of the practised answer that the actual one says too.")
    dropped: list[str] = Field(description="Sentences of the practised answer the actual one left out.")
    added: list[str] = Field(description="Sentences of the actual answer that were not practised.")


class ScoreDelta(BaseModel):
    """Actual minus practised, each on 0-100."""

    star: float
    relevance: float
    confidence: float


class ComparedQuestion(BaseModel):
    practised_question: str
    actual_question: str
    similarity: float = Field(description="How alike the two questions are in meaning (cosine, 0-1).")
    start: float = Field(description="When the question was asked, in seconds from the recording's start.")
    practised_answer: str | None = Field(description="The latest practice attempt; null when never answered.")
    actual_answer: str
    points: TalkingPoints | None = Field(description="Null when the question was never practised.")
    delta: ScoreDelta | None
    delta_score: float | None = Field(description="The mean of the deltas; null when never practised.")


class UnexpectedQuestion(BaseModel):
    question: str
    start: float


class PrepComparisonPublic(BaseModel):
    interview_id: str
    prep_session_id: str
    matches: list[ComparedQuestion] = Field(
        description="Practised questions that were asked, in the order asked."
    )
    practised_and_asked: int
    unexpected_questions: list[UnexpectedQuestion] = Field(
        description="Questions asked that were not practised."
    )
    practised_not_asked: list[str]
    improvement_score: int | None = Field(
        description="The mean change over the practised questions asked, -100..100; null when none was "
        "both practised and asked."
    )
