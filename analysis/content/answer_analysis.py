"""What an answer analysis says: the contract every analyzer fills and the agents carry.

Both analyzers (offline rules and Claude) return :class:`AnswerAnalysis`; the content agent
encodes it into ``answer.analysis`` and the rollup reads it back. Times are seconds from
the start of the recording; scores are 0-100.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Score = Field(ge=0, le=100)
STAR_PART_NAMES = ("situation", "task", "action", "result")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimedWord(_Model):
    word: str
    start: float
    end: float
    confidence: float = 1.0


class AnswerTurn(_Model):
    """One question and the answer that follows it (the ``interview.turns`` record)."""

    interview_id: str
    user_id: str
    turn_index: int = Field(ge=0)
    question: str
    answer: str
    start: float
    end: float
    question_end: float
    answer_start: float | None = None
    asker: str | None = None
    answerer: str | None = None
    answer_words: list[TimedWord] = []


class Span(_Model):
    """A stretch of the answer that a finding rests on, as said and when."""

    text: str
    start: float
    end: float


class Finding(Span):
    kind: str


class StarPart(_Model):
    present: bool
    evidence: list[Span] = []


class Star(_Model):
    situation: StarPart
    task: StarPart
    action: StarPart
    result: StarPart
    score: int = Score

    def missing(self) -> list[str]:
        return [name for name in STAR_PART_NAMES if not getattr(self, name).present]


class Relevance(_Model):
    score: int = Score
    to_question: int = Score
    to_job_description: int | None = Field(default=None, ge=0, le=100)
    shared_terms: list[str] = []


class Confidence(_Model):
    score: int = Score
    hedges: list[Finding] = []
    self_corrections: list[Finding] = []
    filler_count: int = Field(default=0, ge=0)
    word_count: int = Field(default=0, ge=0)


class Enthusiasm(_Model):
    score: int = Score
    energetic_words: list[Finding] = []
    exclamations: int = Field(default=0, ge=0)


class AnswerAnalysis(_Model):
    """One answer read for structure, relevance, confidence and enthusiasm."""

    interview_id: str
    user_id: str
    turn_index: int = Field(ge=0)
    analyzer: Literal["offline", "claude"]
    star: Star
    relevance: Relevance
    confidence: Confidence
    enthusiasm: Enthusiasm
    # Short, actionable notes on this answer, each citing its moment or figure.
    feedback: list[str] = []
    # Set when a better analyzer was asked and failed, so this is the offline fallback.
    degraded_reason: str | None = None
