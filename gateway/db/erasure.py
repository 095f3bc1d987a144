"""Erasing a user's data in PostgreSQL: deleted interviews and prep sessions, expired recordings.

A deleted interview keeps its row as a marker (``deleted_at`` set, everything the user wrote
cleared): every read treats it as missing and no sink brings its rows back (migration 0008).
Its transcript, metrics, state and analysis are deleted outright. ``blob_uri`` stays until the
blob itself is gone (:meth:`ErasureQueries.forget_blob`), so a blob delete that failed is retried
by the retention sweeper. Deleting and publishing the tombstones are one transaction: the
publish runs in ``before_commit``, and a failed publish rolls the delete back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sinks.read_model import ReadModel

Row = dict[str, Any]
#: Runs inside the deleting transaction with the deleted rows, before it commits.
BeforeCommit = Callable[[list[Row]], Awaitable[None]]

#: What the user wrote or uploaded about an interview: cleared when it is deleted.
SCRUBBED_COLUMNS = (
    "company",
    "job_title",
    "interview_type",
    "notes",
    "job_description",
    "prep_session_id",
    "filename",
    "content_type",
    "sha256",
)
#: Rows derived from an interview's recording, deleted with it.
DERIVED_TABLES = ("transcript_segments", "segment_metrics", "interview_states", "analyses")


class ErasureQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def delete_interview(
        self, interview_id: str, user_id: str, before_commit: BeforeCommit
    ) -> list[Row] | None:
        """Delete the user's interview and the duplicates that read their results from it.

        Returns ``{interview_id, user_id, blob_uri}`` of each interview deleted (the one asked
        for first); None when the user has no such interview (or it is deleted already).
        """
        scrub = ", ".join(f"{column} = NULL" for column in SCRUBBED_COLUMNS)
        async with self._read_model.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                b"""SELECT interview_id, user_id, blob_uri FROM interviews
                    WHERE user_id = %(user_id)s AND deleted_at IS NULL
                      AND (interview_id = %(interview_id)s OR duplicate_of = %(interview_id)s)
                    ORDER BY interview_id <> %(interview_id)s, interview_id
                    FOR UPDATE""",
                {"interview_id": interview_id, "user_id": user_id},
            )
            rows = await cursor.fetchall()
            if not rows or rows[0]["interview_id"] != interview_id:
                return None
            ids = [row["interview_id"] for row in rows]
            await conn.execute(
                f"""UPDATE interviews SET deleted_at = now(), {scrub}, upload_claimed_at = NULL,
                        version = version + 1
                    WHERE interview_id = ANY(%(ids)s)""".encode(),
                {"ids": ids},
            )
            for table in DERIVED_TABLES:
                await conn.execute(
                    f"DELETE FROM {table} WHERE interview_id = ANY(%(ids)s)".encode(), {"ids": ids}
                )
            # A finished upload's row only holds its metadata (the file name among it); the
            # unfinished ones hold bytes too and are removed by the caller under their lock.
            await conn.execute(
                b"DELETE FROM tus_uploads WHERE interview_id = ANY(%(ids)s) AND completed_at IS NOT NULL",
                {"ids": ids},
            )
            await before_commit(rows)
        return rows

    async def live_interview_ids(self, user_id: str) -> list[str]:
        """The user's interviews that are not deleted, originals before their duplicates."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT interview_id FROM interviews
                    WHERE user_id = %(user_id)s AND deleted_at IS NULL
                    ORDER BY duplicate_of IS NOT NULL, created_at""",
                {"user_id": user_id},
            )
            return [row["interview_id"] for row in await cursor.fetchall()]

    async def unfinished_uploads(self, user_id: str, interview_ids: Sequence[str] | None = None) -> list[str]:
        """Ids of the user's unfinished tus uploads (of ``interview_ids`` only, when given)."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT upload_id FROM tus_uploads
                    WHERE user_id = %(user_id)s AND completed_at IS NULL
                      AND (%(all)s OR interview_id = ANY(%(ids)s))""",
                {"user_id": user_id, "all": interview_ids is None, "ids": list(interview_ids or ())},
            )
            return [row["upload_id"] for row in await cursor.fetchall()]

    async def delete_prep_sessions(self, user_id: str, before_commit: BeforeCommit) -> list[Row]:
        """Delete the user's prep sessions with their questions and practice answers."""
        async with self._read_model.connection() as conn, conn.transaction():
            await conn.execute(
                b"DELETE FROM practice_answers WHERE user_id = %(user_id)s", {"user_id": user_id}
            )
            cursor = await conn.execute(
                b"DELETE FROM prep_sessions WHERE user_id = %(user_id)s RETURNING prep_session_id",
                {"user_id": user_id},
            )
            rows = await cursor.fetchall()
            await before_commit(rows)
        return rows

    async def delete_user_settings(self, user_id: str) -> None:
        async with self._read_model.connection() as conn, conn.transaction():
            await conn.execute(b"DELETE FROM user_settings WHERE user_id = %(user_id)s", {"user_id": user_id})
            # The deliveries of their notifications hold the address and what was sent.
            await conn.execute(
                b"DELETE FROM notification_deliveries WHERE user_id = %(user_id)s", {"user_id": user_id}
            )

    # --- recordings whose blob must go --------------------------------------------------

    async def stored_recordings_due(self, now: datetime, default_days: int, limit: int = 100) -> list[Row]:
        """Recordings still stored that are past their owner's retention period, and those of
        deleted interviews whose blob delete did not go through; oldest first.

        Each row has ``interview_id``, ``user_id``, ``blob_uri``, ``uploaded_at``, ``deleted_at``
        and ``retention_days`` (the owner's setting or ``default_days``)."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT i.interview_id, i.user_id, i.blob_uri, i.uploaded_at, i.deleted_at,
                           coalesce(u.retention_days, %(default_days)s) AS retention_days
                    FROM interviews i LEFT JOIN user_settings u USING (user_id)
                    WHERE i.blob_uri IS NOT NULL AND i.recording_deleted_at IS NULL
                      AND (i.deleted_at IS NOT NULL
                           OR i.uploaded_at <= %(now)s - make_interval(
                                  days => coalesce(u.retention_days, %(default_days)s)))
                    ORDER BY i.uploaded_at LIMIT %(limit)s""",
                {"now": now, "default_days": default_days, "limit": limit},
            )
            return await cursor.fetchall()

    async def forget_blob(self, interview_id: str) -> None:
        """The deleted interview's blob is gone: nothing of its recording remains."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"UPDATE interviews SET blob_uri = NULL"
                b" WHERE interview_id = %(id)s AND deleted_at IS NOT NULL",
                {"id": interview_id},
            )

    async def mark_recording_deleted(self, interview_id: str) -> None:
        """The recording's retention ended and its blob is gone; the analysis stays."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"""UPDATE interviews SET recording_deleted_at = now()
                    WHERE interview_id = %(id)s AND recording_deleted_at IS NULL""",
                {"id": interview_id},
            )
