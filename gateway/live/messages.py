"""The JSON messages of ``/ws``, each with a ``type``.

Server to client: ``ready`` (signed in), ``interview_state`` (an interview of yours moved: the
fields of ``GET /interviews/{id}/status`` and ``updated_at``), ``notification`` (an analysis
completed or failed: title, body, link), ``pong``. Client to server: ``auth`` (first, with the
token), then ``ping`` whenever it likes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from gateway.models.interviews import StatusPublic


class LiveMessage(BaseModel):
    # Every message carries its ``type``: required in the documented schema, so a client can
    # tell the messages apart by it.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class ReadyMessage(LiveMessage):
    type: Literal["ready"] = "ready"
    user_id: str


class InterviewStateMessage(StatusPublic, LiveMessage):
    type: Literal["interview_state"] = "interview_state"
    updated_at: datetime

    @classmethod
    def from_event(cls, state: dict[str, Any]) -> InterviewStateMessage:
        return cls.model_validate(state)


class NotificationMessage(LiveMessage):
    type: Literal["notification"] = "notification"
    notification_id: str
    interview_id: str
    kind: str
    title: str
    body: str
    url: str | None = None
    overall_score: float | None = None
    run: int = 0
    created_at: datetime

    @classmethod
    def from_event(cls, notification: dict[str, Any]) -> NotificationMessage:
        return cls.model_validate(notification)


class PongMessage(LiveMessage):
    type: Literal["pong"] = "pong"


ServerMessage = ReadyMessage | InterviewStateMessage | NotificationMessage | PongMessage
#: What the server sends, as documented in the OpenAPI components (:mod:`gateway.live.openapi`).
SERVER_MESSAGES: tuple[type[LiveMessage], ...] = (
    ReadyMessage,
    InterviewStateMessage,
    NotificationMessage,
    PongMessage,
)
