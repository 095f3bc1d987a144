"""The stuck-interview sweeper's questions to the read model.

An interview is a candidate when it is stuck (:data:`sinks.stuck_bound.STUCK`) before its
transcription is done (``UPLOADED`` or ``TRANSCRIBING``: an event lost, a worker gone), is not
deleted, still has its recording, and has been re-emitted fewer than ``max_reemits`` times. A
deleted interview has no state row any more, and a finished one is past those stages: neither is
ever a candidate. :meth:`StuckInterviewQueries.claim` re-checks all of it under the interview's
row lock and records the re-emission in the same transaction as the publish, so two gateways
never both re-emit one interview, and a restarted one waits a whole bound again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sinks.read_model import ReadModel
from sinks.stuck_bound import STUCK, StuckBound

Row = dict[str, Any]
#: Runs inside the claiming transaction with the claimed interview's row, before it commits: a
#: failed publish rolls the claim back, and the next sweep tries again.
BeforeCommit = Callable[[Row], Awaitable[None]]

#: The stages whose work starts from ``interview.uploaded``.
STAGES_BEFORE_TRANSCRIBED = ("UPLOADED", "TRANSCRIBING")

_NOW_MS = "date_trunc('milliseconds', now())"

_CANDIDATE = f"""
    i.deleted_at IS NULL AND i.duplicate_of IS NULL
    AND i.blob_uri IS NOT NULL AND i.recording_deleted_at IS NULL
    AND starts_with(i.blob_uri, %(uri_prefix)s)
    AND s.status = ANY(%(stages)s)
    AND i.reemit_count < %(max_reemits)s
    AND {STUCK}
"""


class StuckInterviewQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    @staticmethod
    def _params(bound: StuckBound, max_reemits: int, uri_prefix: str) -> dict[str, Any]:
        return {
            **bound.params(),
            "max_reemits": max_reemits,
            "uri_prefix": uri_prefix,
            "stages": list(STAGES_BEFORE_TRANSCRIBED),
        }

    async def stuck_interviews(
        self, bound: StuckBound, max_reemits: int, uri_prefix: str, limit: int = 100
    ) -> list[Row]:
        """Ids of interviews stuck before transcription whose recording is under ``uri_prefix``
        (the sweeping gateway's store: a database shared by several stacks never has one
        re-emit another's recordings), least recently moved first."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                f"""SELECT i.interview_id FROM interviews i
                    JOIN interview_states s ON s.interview_id = i.interview_id AND s.user_id = i.user_id
                    WHERE {_CANDIDATE}
                    ORDER BY greatest(s.updated_at, coalesce(i.reemitted_at, s.updated_at)),
                             i.interview_id
                    LIMIT %(limit)s""".encode(),
                {**self._params(bound, max_reemits, uri_prefix), "limit": limit},
            )
            return await cursor.fetchall()

    async def claim(
        self,
        interview_id: str,
        bound: StuckBound,
        max_reemits: int,
        uri_prefix: str,
        before_commit: BeforeCommit,
    ) -> Row | None:
        """Record a re-emission of ``interview_id`` if it is still a candidate, and call
        ``before_commit`` with its row (the interview's columns, ``status``,
        ``status_updated_at`` and the analysis ``run``) before committing; None when it is no
        candidate any more (it moved, was deleted, or another gateway claimed it first)."""
        async with self._read_model.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                f"""UPDATE interviews i
                    SET reemitted_at = {_NOW_MS}, reemit_count = i.reemit_count + 1
                    FROM interview_states s
                    WHERE i.interview_id = %(interview_id)s
                      AND s.interview_id = i.interview_id AND s.user_id = i.user_id
                      AND {_CANDIDATE}
                    RETURNING i.*, s.status, s.updated_at AS status_updated_at, s.run""".encode(),
                {**self._params(bound, max_reemits, uri_prefix), "interview_id": interview_id},
            )
            row = await cursor.fetchone()
            if row is not None:
                await before_commit(row)
        return row
