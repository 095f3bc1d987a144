"""What the progress routes return: a user's trends across their analysed interviews."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class TrendPointPublic(BaseModel):
    interview_id: str
    completed_at: datetime
    company: str | None
    job_title: str | None
    interview_type: str | None
    overall_score: float | None
    confidence: float | None = Field(description="0–100, from how the answers were worded.")
    fillers_per_minute: float | None
    star_completeness: float | None = Field(
        description="Share of STAR parts (situation, task, action, result) present over the answers, 0–100."
    )
    wpm: float | None = Field(description="Pace: words per minute while speaking.")


class MeasureChangePublic(BaseModel):
    measure: str
    label: str
    unit: str
    first: float | None
    latest: float | None
    change: float | None = Field(description="latest − first, over the points shown.")
    improved: bool | None = Field(
        description="Whether the change is for the better; null for pace (good within a range) or no change."
    )


class ProgressPublic(BaseModel):
    points: list[TrendPointPublic] = Field(description="One per analysed interview, oldest first.")
    changes: list[MeasureChangePublic]
    companies: list[str] = Field(description="Every company of the user's analysed interviews, to filter by.")
    interview_types: list[str]
