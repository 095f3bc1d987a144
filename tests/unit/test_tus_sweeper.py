"""Which uploads the sweeper removes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.db.uploads import UploadRow
from gateway.tus.sweeper import select_expired

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def upload(upload_id: str, expires_in: timedelta, completed: bool = False) -> UploadRow:
    return UploadRow(
        upload_id=upload_id,
        user_id="user-1",
        interview_id="interview-1",
        upload_length=100,
        upload_offset=100 if completed else 10,
        metadata={},
        media_format="WAV",
        created_at=NOW - timedelta(days=2),
        expires_at=NOW + expires_in,
        completed_at=NOW - timedelta(days=1) if completed else None,
    )


def test_only_unfinished_uploads_past_their_expiry_are_swept() -> None:
    uploads = [
        upload("expired", -timedelta(minutes=1)),
        upload("expires-now", timedelta(0)),
        upload("still-fresh", timedelta(minutes=1)),
        upload("completed-long-ago", -timedelta(days=1), completed=True),
    ]
    assert [u.upload_id for u in select_expired(uploads, NOW)] == ["expired", "expires-now"]


def test_nothing_to_sweep() -> None:
    assert select_expired([], NOW) == []
