"""Email deliveries of notifications in PostgreSQL (``notification_deliveries``, migrations 0012
and 0013).

A notification lands here once (keyed by its deterministic id): ``queued`` when its user wants
email and has an address, ``skipped`` otherwise. Deliveries that are due (queued, or retrying
whose ``next_attempt_at`` has come) are claimed with ``FOR UPDATE SKIP LOCKED``, so two workers
never attempt the same one at once, and each attempt's outcome is written in the same
transaction. A delivery belongs to the stack that recorded it (its topic prefix): only that
stack's workers attempt it, so stacks sharing a database never send each other's mail. A worker
that stops between the SMTP server's acceptance and the commit leaves the delivery due, and it is
sent again: at least once, never lost.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg.types.json import Jsonb

from sinks.read_model import ReadModel

Row = dict[str, Any]
Status = Literal["queued", "retrying", "sent", "failed", "skipped"]

#: Why a notification is not emailed, in the delivery's ``last_error``.
SETTING_OFF = "email notifications are off in the user's settings"
NO_ADDRESS = "no email address is known for the user"

_RECORD = b"""
INSERT INTO notification_deliveries
    (notification_id, user_id, interview_id, kind, email, status, last_error, next_attempt_at,
     notification, topic_prefix)
SELECT %(notification_id)s, %(user_id)s, %(interview_id)s, %(kind)s, u.email,
       CASE WHEN u.email_notifications IS FALSE OR u.email IS NULL THEN 'skipped' ELSE 'queued' END,
       CASE WHEN u.email_notifications IS FALSE THEN %(setting_off)s
            WHEN u.email IS NULL THEN %(no_address)s END,
       CASE WHEN u.email_notifications IS FALSE OR u.email IS NULL THEN NULL ELSE now() END,
       %(notification)s, %(topic_prefix)s
FROM (SELECT %(user_id)s::text AS user_id) wanted LEFT JOIN user_settings u USING (user_id)
ON CONFLICT (notification_id) DO NOTHING
"""

_DUE = b"""
SELECT * FROM notification_deliveries
WHERE status IN ('queued', 'retrying') AND next_attempt_at <= now()
  AND topic_prefix = %(topic_prefix)s
  AND (%(notification_id)s::text IS NULL OR notification_id = %(notification_id)s)
ORDER BY next_attempt_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""

_OUTCOME = b"""
UPDATE notification_deliveries
SET status = %(status)s, attempts = attempts + 1, last_error = %(error)s,
    next_attempt_at = CASE WHEN %(status)s = 'retrying'
                           THEN now() + make_interval(secs => %(retry_after)s) END,
    sent_at = CASE WHEN %(status)s = 'sent' THEN now() END,
    updated_at = now()
WHERE notification_id = %(notification_id)s
"""


def _json_default(item: object) -> str:
    if isinstance(item, datetime):
        return item.isoformat()
    raise TypeError(f"{type(item).__name__} is not JSON serializable")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: sent, retrying after ``retry_after`` seconds, or failed."""

    status: Literal["sent", "retrying", "failed"]
    error: str | None = None
    retry_after: float = 0.0


Attempt = Callable[[Row], Awaitable[Outcome]]


class NotificationDeliveries:
    """The deliveries of the stack whose topics start with ``topic_prefix``."""

    def __init__(self, read_model: ReadModel, topic_prefix: str = "") -> None:
        self._read_model = read_model
        self.topic_prefix = topic_prefix

    async def record(self, notification: dict[str, Any]) -> None:
        """The notification's delivery, queued or skipped by its user's setting; a second
        record of the same notification changes nothing."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                _RECORD,
                {
                    "notification_id": notification["notification_id"],
                    "user_id": notification["user_id"],
                    "interview_id": notification["interview_id"],
                    "kind": notification["kind"],
                    "setting_off": SETTING_OFF,
                    "no_address": NO_ADDRESS,
                    "notification": Jsonb(notification, dumps=_dumps),
                    "topic_prefix": self.topic_prefix,
                },
            )

    async def attempt_due(
        self, attempt: Attempt, *, notification_id: str | None = None, limit: int = 20
    ) -> int:
        """Claim this stack's deliveries that are due (only ``notification_id``'s, when given), run
        ``attempt`` on each and write its outcome; returns how many were attempted."""
        async with self._read_model.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                _DUE, {"notification_id": notification_id, "limit": limit, "topic_prefix": self.topic_prefix}
            )
            due = await cursor.fetchall()
            for row in due:
                outcome = await attempt(row)
                await conn.execute(
                    _OUTCOME,
                    {
                        "notification_id": row["notification_id"],
                        "status": outcome.status,
                        "error": None if outcome.error is None else outcome.error[:2000],
                        "retry_after": outcome.retry_after,
                    },
                )
        return len(due)

    async def delivery(self, notification_id: str) -> Row | None:
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"SELECT * FROM notification_deliveries WHERE notification_id = %(id)s",
                {"id": notification_id},
            )
            return await cursor.fetchone()
