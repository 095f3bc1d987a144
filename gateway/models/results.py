"""What the result routes return: an interview's transcript, speech metrics and analysis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WordPublic(BaseModel):
    word: str
    start: float
    end: float
    confidence: float


class TranscriptSegmentPublic(BaseModel):
    seq: int
    start: float
    end: float
    text: str
    words: list[WordPublic]
    confidence: float
    speaker: str | None = None


class TranscriptPublic(BaseModel):
    interview_id: str
    text: str
    segments: list[TranscriptSegmentPublic]
    count: int


class PausePublic(BaseModel):
    start: float
    end: float
    seconds: float


class FillerEventPublic(BaseModel):
    kind: str
    start: float
    end: float


class SegmentMetricsPublic(BaseModel):
    seq: int
    start: float
    end: float
    word_count: int
    speaking_seconds: float
    words_per_minute: float
    filler_words: dict[str, int]
    filler_total: int
    filler_events: list[FillerEventPublic]
    pauses: list[PausePublic]
    pause_count: int
    long_pause_count: int
    clarity: float
    final: bool


class MetricsPublic(BaseModel):
    interview_id: str
    data: list[SegmentMetricsPublic]
    count: int


class AnalysisPublic(BaseModel):
    """The ``analysis.completed`` event as stored; its schema in ``schemas/avro`` is the contract."""

    model_config = ConfigDict(extra="allow")

    interview_id: str
    overall_score: float
    speech: dict[str, Any]
    content: Any = None
    scores: dict[str, float]
    recommendations: list[str] = []
    completed_at: datetime
    run: int = Field(default=0, description="Which analysis of the interview this is: 0 for the first.")
