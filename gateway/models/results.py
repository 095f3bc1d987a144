"""What the result routes return: an interview's transcript and speech metrics (its analysis is
in ``analysis.py``)."""

from __future__ import annotations

from pydantic import BaseModel


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
