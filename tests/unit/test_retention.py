"""Which recordings the retention sweeper deletes: pure decisions, no services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.retention import is_past_retention, select_due

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def recording(
    interview_id: str, age_days: float, retention_days: int = 90, deleted: bool = False
) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "uploaded_at": NOW - timedelta(days=age_days),
        "retention_days": retention_days,
        "deleted_at": NOW if deleted else None,
    }


def test_a_recording_is_kept_for_its_whole_retention_period() -> None:
    assert not is_past_retention(NOW - timedelta(days=89, hours=23), 90, NOW)
    assert is_past_retention(NOW - timedelta(days=90), 90, NOW)
    assert is_past_retention(NOW - timedelta(days=400), 90, NOW)


def test_a_recording_without_an_upload_time_is_never_expired() -> None:
    assert not is_past_retention(None, 1, NOW)


def test_the_users_own_period_decides() -> None:
    due = select_due(
        [
            recording("default-old", 91),
            recording("default-recent", 10),
            recording("short-old", 8, retention_days=7),
            recording("long-old", 200, retention_days=365),
        ],
        NOW,
    )
    assert [row["interview_id"] for row in due] == ["default-old", "short-old"]


def test_a_deleted_interviews_leftover_blob_is_always_due() -> None:
    assert [row["interview_id"] for row in select_due([recording("deleted", 0, deleted=True)], NOW)] == [
        "deleted"
    ]
