"""What ``GET /interviews/{id}/analysis`` returns: the ``analysis.completed`` event as stored
(``schemas/avro/analysis_completed.avsc`` is its contract), with its sections typed so that
clients read them without guessing, and the moments its recommendations cite."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    # Fields the pipeline adds later reach clients before this model names them.
    model_config = ConfigDict(extra="allow")


class SpeechSectionPublic(_Open):
    duration_seconds: float
    speaking_seconds: float
    word_count: int
    wpm: float = Field(description="Words per minute while speaking.")
    filler_words: dict[str, int] = Field(description="How often each kind of filler was said.")
    filler_total: int
    fillers_per_minute: float
    pause_count: int
    long_pause_count: int = Field(description="Pauses of 2 seconds or more.")
    longest_pause_seconds: float
    clarity_score: float = Field(description="0–100, from how surely the words were recognised.")
    speech_score: float
    score_breakdown: dict[str, float] = Field(description="pace, fillers, pauses, clarity: each 0–100.")


class SpanPublic(_Open):
    text: str
    start: float
    end: float


class FindingPublic(SpanPublic):
    kind: str


class StarPartPublic(_Open):
    present: bool
    evidence: list[SpanPublic] = Field(default=[], description="The sentences the part was found in.")


class StarPublic(_Open):
    situation: StarPartPublic
    task: StarPartPublic
    action: StarPartPublic
    result: StarPartPublic
    score: int = Field(description="0–100.")


class RelevancePublic(_Open):
    score: int
    to_question: int
    to_job_description: int | None = None
    shared_terms: list[str] = []


class TurnPublic(_Open):
    """A question and the answer that followed it, as read for STAR, relevance and confidence."""

    turn_index: int
    question: str
    answer: str
    start: float = Field(description="When the question was asked, seconds from the start.")
    end: float
    answer_start: float | None = None
    asker: str | None = None
    answerer: str | None = None
    star: StarPublic
    relevance: int = Field(description="0–100: how well the answer addresses the question (and the job).")
    relevance_detail: RelevancePublic | None = None
    confidence: int = Field(description="0–100, from how the answer was worded.")
    hedges: list[FindingPublic] = []
    enthusiasm: int
    feedback: list[str] = []
    analyzer: str


class SentimentPointPublic(_Open):
    start: float
    end: float
    sentiment: float = Field(description="-1 (negative) to 1 (positive), fillers left out.")


class ContentPublic(_Open):
    status: Literal["analysed", "no_questions", "not_an_interview"]
    message: str | None = Field(default=None, description="Why there is no content analysis, in words.")
    analyzer: list[str] = []
    speakers_known: bool = False
    questions: list[str] = []
    turns: list[TurnPublic] = []
    sentiment_timeline: list[SentimentPointPublic] = Field(default=[], description="One point per sentence.")
    confidence_score: float | None = None
    enthusiasm_score: float | None = None
    prep_comparison: dict[str, Any] | None = None


class CitedMomentPublic(BaseModel):
    label: str = Field(description="The moment as the recommendation writes it, e.g. 1:05.")
    second: int = Field(description="The second of the recording it names.")
    seq: int | None = Field(description="The transcript segment that holds it; null without a transcript.")


class RecommendationMomentsPublic(BaseModel):
    text: str
    moments: list[CitedMomentPublic] = Field(description="The moments it cites; none when it cites a figure.")


class AnalysisPublic(_Open):
    interview_id: str
    overall_score: float
    speech: SpeechSectionPublic
    content: ContentPublic | None = Field(default=None, description="Null when content was not analysed.")
    scores: dict[str, float] = Field(description="Score by category; only computed categories appear.")
    recommendations: list[str] = []
    recommendation_moments: list[RecommendationMomentsPublic] = Field(
        default=[], description="The recommendations again, in order, each with the moments it cites."
    )
    preliminary: bool = Field(default=False, description="True when transcription confidence was low.")
    warnings: list[str] = []
    completed_at: datetime
    run: int = Field(default=0, description="Which analysis of the interview this is: 0 for the first.")
