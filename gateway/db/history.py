"""A user's analysed interviews with their metadata, for their progress over time."""

from __future__ import annotations

from sinks.read_model import ReadModel, Row


class HistoryQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def analysed_interviews(self, user_id: str) -> list[Row]:
        """``{interview_id, company, job_title, interview_type, completed_at, document}`` of each
        interview of the user that has an analysis (deleted ones left out), oldest first."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT i.interview_id, i.company, i.job_title, i.interview_type,
                           a.completed_at, a.document
                    FROM analyses a JOIN interviews i ON i.interview_id = a.interview_id
                    WHERE a.user_id = %(user_id)s AND i.user_id = %(user_id)s AND i.deleted_at IS NULL
                    ORDER BY a.completed_at, i.interview_id""",
                {"user_id": user_id},
            )
            return await cursor.fetchall()
