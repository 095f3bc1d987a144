"""Prep sessions in PostgreSQL: sessions, their questions, practice answers and feedback.

Every read and write takes the caller's ``user_id``; another user's session is
indistinguishable from a missing one. Writes that change what the analyzer joins run
``before_commit`` with the session's snapshot (the ``prep.sessions`` record), so a failed
publish rolls the write back.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from sinks.read_model import ReadModel

Row = dict[str, Any]
SessionPublisher = Callable[[Row], Awaitable[None]]
SESSION_FIELDS = ("company", "job_title", "interview_type", "job_description")


class PrepSessionQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def create_session(
        self,
        user_id: str,
        fields: dict[str, Any],
        questions: list[dict[str, Any]],
        before_commit: SessionPublisher,
        *,
        targeted: bool = False,
    ) -> Row:
        prep_session_id = str(uuid.uuid4())
        async with self._read_model.connection() as conn, conn.transaction():
            await conn.execute(
                b"""INSERT INTO prep_sessions (prep_session_id, user_id, company, job_title,
                                               interview_type, job_description, targeted)
                    VALUES (%(id)s, %(user_id)s, %(company)s, %(job_title)s, %(interview_type)s,
                            %(job_description)s, %(targeted)s)""",
                {
                    "id": prep_session_id,
                    "user_id": user_id,
                    "targeted": targeted,
                    **{name: fields.get(name) for name in SESSION_FIELDS},
                },
            )
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    b"""INSERT INTO prep_questions (prep_session_id, question_id, position, text, kind,
                                                    ai_generated, skill, why)
                        VALUES (%(prep_session_id)s, %(question_id)s, %(position)s, %(text)s, %(kind)s,
                                %(ai_generated)s, %(skill)s, %(why)s)""",
                    [
                        {
                            "prep_session_id": prep_session_id,
                            "position": position,
                            "skill": question.get("skill"),
                            "why": question.get("why"),
                            **{key: question[key] for key in ("question_id", "text", "kind", "ai_generated")},
                        }
                        for position, question in enumerate(questions)
                    ],
                )
            session = await self._session(conn, prep_session_id, user_id)
            assert session is not None
            await before_commit(session)
        return session

    async def get_session(self, prep_session_id: str, user_id: str) -> Row | None:
        async with self._read_model.connection() as conn:
            return await self._session(conn, prep_session_id, user_id)

    async def list_sessions(self, user_id: str, limit: int, offset: int) -> tuple[list[Row], int]:
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT s.*, count(q.question_id) AS question_count,
                           (SELECT count(*) FROM practice_answers a
                             WHERE a.prep_session_id = s.prep_session_id) AS answer_count
                    FROM prep_sessions s LEFT JOIN prep_questions q USING (prep_session_id)
                    WHERE s.user_id = %(user_id)s
                    GROUP BY s.prep_session_id ORDER BY s.created_at DESC
                    LIMIT %(limit)s OFFSET %(offset)s""",
                {"user_id": user_id, "limit": limit, "offset": offset},
            )
            rows = await cursor.fetchall()
            total = await conn.execute(
                b"SELECT count(*) AS n FROM prep_sessions WHERE user_id = %(user_id)s", {"user_id": user_id}
            )
            counted = await total.fetchone()
        return rows, int(counted["n"]) if counted else 0

    async def add_answer(
        self,
        prep_session_id: str,
        question_id: str,
        user_id: str,
        answer: str,
        feedback: dict[str, Any],
        before_commit: SessionPublisher,
    ) -> Row | None:
        """Saves an attempt; None when the session or question is not the user's."""
        async with self._read_model.connection() as conn, conn.transaction():
            owned = await conn.execute(
                b"""SELECT 1 FROM prep_questions q JOIN prep_sessions s USING (prep_session_id)
                    WHERE q.prep_session_id = %(session)s AND q.question_id = %(question)s
                      AND s.user_id = %(user_id)s FOR UPDATE OF s""",
                {"session": prep_session_id, "question": question_id, "user_id": user_id},
            )
            if await owned.fetchone() is None:
                return None
            cursor = await conn.execute(
                b"""INSERT INTO practice_answers (answer_id, prep_session_id, question_id, user_id, attempt,
                                                  answer, feedback, star_score, relevance, confidence)
                    SELECT %(answer_id)s, %(session)s, %(question)s, %(user_id)s,
                           coalesce(max(attempt), 0) + 1, %(answer)s, %(feedback)s,
                           %(star)s, %(relevance)s, %(confidence)s
                    FROM practice_answers WHERE prep_session_id = %(session)s AND question_id = %(question)s
                    RETURNING *""",
                {
                    "answer_id": str(uuid.uuid4()),
                    "session": prep_session_id,
                    "question": question_id,
                    "user_id": user_id,
                    "answer": answer,
                    "feedback": Jsonb(feedback),
                    "star": feedback["star_score"],
                    "relevance": feedback["relevance"],
                    "confidence": feedback["confidence"],
                },
            )
            row = await cursor.fetchone()
            assert row is not None
            await conn.execute(
                b"UPDATE prep_sessions SET updated_at = now() WHERE prep_session_id = %(session)s",
                {"session": prep_session_id},
            )
            session = await self._session(conn, prep_session_id, user_id)
            assert session is not None
            await before_commit(session)
        return row

    async def list_answers(self, prep_session_id: str, question_id: str, user_id: str) -> list[Row]:
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT * FROM practice_answers
                    WHERE prep_session_id = %(session)s AND question_id = %(question)s
                      AND user_id = %(user_id)s
                    ORDER BY attempt""",
                {"session": prep_session_id, "question": question_id, "user_id": user_id},
            )
            return await cursor.fetchall()

    async def analysed_interviews(self, user_id: str) -> list[Row]:
        """``{interview_id, completed_at, turns}`` of the user's analysed interviews."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"""SELECT interview_id, completed_at, document -> 'content' AS content FROM analyses
                    WHERE user_id = %(user_id)s ORDER BY completed_at""",
                {"user_id": user_id},
            )
            rows = await cursor.fetchall()
        interviews = []
        for row in rows:
            content = row["content"]
            if isinstance(content, str):
                content = json.loads(content)
            turns = (content or {}).get("turns") or []
            completed_at = row["completed_at"]
            interviews.append(
                {
                    "interview_id": row["interview_id"],
                    "completed_at": completed_at.isoformat(),
                    "turns": turns,
                }
            )
        return interviews

    async def _session(
        self, conn: AsyncConnection[DictRow], prep_session_id: str, user_id: str
    ) -> Row | None:
        cursor = await conn.execute(
            b"SELECT * FROM prep_sessions WHERE prep_session_id = %(id)s AND user_id = %(user_id)s",
            {"id": prep_session_id, "user_id": user_id},
        )
        session = await cursor.fetchone()
        if session is None:
            return None
        cursor = await conn.execute(
            b"""SELECT q.*, count(a.answer_id) AS attempts,
                       (array_agg(a.answer ORDER BY a.attempt DESC))[1] AS latest_answer,
                       (array_agg(a.feedback ORDER BY a.attempt DESC))[1] AS latest_feedback
                FROM prep_questions q
                LEFT JOIN practice_answers a USING (prep_session_id, question_id)
                WHERE q.prep_session_id = %(id)s
                GROUP BY q.prep_session_id, q.question_id ORDER BY q.position""",
            {"id": prep_session_id},
        )
        return {**session, "questions": await cursor.fetchall()}


def session_event(session: Row) -> dict[str, Any]:
    """The ``prep.sessions`` record of a session row (with its questions)."""
    questions = []
    for question in session["questions"]:
        feedback = question.get("latest_feedback")
        scores = (
            {
                "star": feedback["star_score"],
                "relevance": feedback["relevance"],
                "confidence": feedback["confidence"],
            }
            if feedback
            else None
        )
        questions.append(
            {
                "question_id": question["question_id"],
                "text": question["text"],
                "kind": question["kind"],
                "ai_generated": question["ai_generated"],
                "attempts": int(question["attempts"]),
                "latest_answer": question.get("latest_answer"),
                "latest_scores": scores,
            }
        )
    return {
        "prep_session_id": session["prep_session_id"],
        "user_id": session["user_id"],
        **{name: session.get(name) for name in SESSION_FIELDS},
        "questions": questions,
        "updated_at": int(time.time() * 1000),
    }
