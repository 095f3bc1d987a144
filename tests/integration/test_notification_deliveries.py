"""Stacks that share a database (a test's beside the dev stack, two tests' workers) each attempt
only the email deliveries they recorded: one stack's sweep never sends another's delayed mail
through its own SMTP server."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from sinks.notification_deliveries import NotificationDeliveries, Outcome
from sinks.read_model import ReadModel

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


def notification(user_id: str) -> dict[str, Any]:
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    return {
        "notification_id": f"{interview_id}-completed",
        "user_id": user_id,
        "interview_id": interview_id,
        "kind": "analysis_completed",
    }


async def test_a_stack_attempts_only_the_deliveries_it_recorded(
    read_model: ReadModel, database_url: str
) -> None:
    user_id = f"user-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO user_settings (user_id, email) VALUES (%s, %s)", (user_id, f"{user_id}@example.test")
        )
    ours = NotificationDeliveries(read_model, f"t-{uuid.uuid4().hex[:8]}-")
    theirs = NotificationDeliveries(read_model, f"t-{uuid.uuid4().hex[:8]}-")
    mine = notification(user_id)
    await ours.record(mine)
    attempted: list[tuple[str, str]] = []

    def attempt_as(stack: str) -> Any:
        async def attempt(row: dict[str, Any]) -> Outcome:
            attempted.append((stack, row["notification_id"]))
            return Outcome("sent")

        return attempt

    # The other stack's sweep, and its attempt of this very notification, find nothing of ours.
    await theirs.attempt_due(attempt_as("theirs"))
    await theirs.attempt_due(attempt_as("theirs"), notification_id=mine["notification_id"])
    assert (await ours.delivery(mine["notification_id"]) or {})["status"] == "queued"

    assert await ours.attempt_due(attempt_as("ours"), notification_id=mine["notification_id"]) == 1
    assert attempted == [("ours", mine["notification_id"])]
    assert (await ours.delivery(mine["notification_id"]) or {})["status"] == "sent"
