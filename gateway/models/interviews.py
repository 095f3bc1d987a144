"""What the interview routes take and return: an interview's metadata, its recording and its status."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.models.text import BodyId, Text

InterviewType = Literal["behavioral", "technical", "phone_screen", "panel", "other"]
#: The pipeline's InterviewStatus, plus CREATED for an interview that has no recording yet.
Status = Literal["CREATED", "UPLOADED", "TRANSCRIBING", "ANALYZING", "COMPLETED", "FAILED"]


class InterviewBase(BaseModel):
    company: Text | None = Field(default=None, max_length=200)
    job_title: Text | None = Field(default=None, max_length=200)
    interview_type: InterviewType | None = None
    notes: Text | None = Field(default=None, max_length=10_000)
    job_description: Text | None = Field(default=None, max_length=50_000)
    prep_session_id: BodyId | None = Field(
        default=None,
        description="The prep session you prepared with: the analysis then compares the two.",
    )


class InterviewCreate(InterviewBase):
    model_config = ConfigDict(extra="forbid")


class InterviewUpdate(InterviewBase):
    """Only the fields sent are changed; send null to clear one."""

    model_config = ConfigDict(extra="forbid")


class RecordingPublic(BaseModel):
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime | None
    #: Probed when the upload completed; null when the file could not be read there.
    duration_seconds: float | None = None
    has_audio: bool | None = None
    #: The user's earlier interview with the same file (SHA-256), completed or under way when
    #: this one was uploaded: this one is not processed again, its status, transcript, metrics
    #: and analysis are that interview's. Null for a first upload, or when the earlier analysis
    #: had failed or was stuck (the file is then analysed anew).
    duplicate_of: str | None = None
    #: When the recording was deleted at the end of its retention period (``GET /me/settings``);
    #: the transcript and analysis stay.
    deleted_at: datetime | None = None


class StatusPublic(BaseModel):
    interview_id: str
    status: Status
    percent: float
    eta_seconds: float | None = None
    audio_duration: float | None = None
    segments: int = 0
    error_code: str | None = None
    error_reason: str | None = None
    notice: str | None = Field(
        default=None, description="A passing condition to know of, e.g. 'analysis delayed by high demand'."
    )
    run: int = Field(
        default=0,
        description="Which analysis of the interview the status is of: 0 for the first, one more "
        "for each re-analysis (`POST /interviews/{id}/reanalyze`).",
    )


class InterviewPublic(InterviewBase, StatusPublic):
    created_at: datetime
    updated_at: datetime
    #: Bumped by every edit of the metadata; the ``ETag`` header is this number in quotes.
    version: int
    recording: RecordingPublic | None = None
    overall_score: float | None = Field(
        default=None, description="The analysis' overall score (0-100) once there is one, else null."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> InterviewPublic:
        recording = None
        if row.get("blob_uri"):
            recording = RecordingPublic.model_validate({**row, "deleted_at": row.get("recording_deleted_at")})
        return cls.model_validate({**row, "recording": recording})


class InterviewsPublic(BaseModel):
    data: list[InterviewPublic]
    count: int
