"""What the account routes take and return: the caller's settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: Longer than anyone needs, short enough for a date computation never to overflow.
MAX_RETENTION_DAYS = 3650


class UserSettingsPublic(BaseModel):
    retention_days: int = Field(description="Recordings are deleted this many days after their upload.")
    retention_is_default: bool = Field(description="True while the service's default applies.")
    email_notifications: bool = Field(
        default=True,
        description="Whether you are emailed when an analysis completes or fails (in-app "
        "notifications come either way).",
    )


class UserSettingsUpdate(BaseModel):
    """Each setting given is set; a setting left out keeps its value."""

    model_config = ConfigDict(extra="forbid")

    retention_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Days a recording is kept after its upload; null goes back to the default. "
        "Transcripts and analyses stay after their recording is deleted.",
    )
    email_notifications: bool | None = Field(
        default=None,
        description="Email me when an analysis completes or fails; null goes back to the default (on).",
    )
