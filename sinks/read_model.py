"""The read model in PostgreSQL: the sinks write events into it, the gateway reads it.

Writes are idempotent upserts by natural key (``interview_id``, ``seq``), so replaying a
topic or restarting a worker rewrites rows instead of adding them. A final segment (and its
metrics) also removes the interview's rows past its ``seq``, so a re-run that ends with fewer
segments than an earlier one leaves no stale tail. Every read takes the caller's ``user_id``:
another user's interview is indistinguishable from a missing one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from functools import partial
from typing import Any, Literal

import psycopg
from psycopg import AsyncConnection, sql
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from sinks import upserts
from sinks.errors import AnalysisStillRunning, NoRecordingToAnalyse, ReadModelUnavailable
from sinks.migrate import apply_migrations
from sinks.stuck_bound import STUCK, StuckBound

Row = dict[str, Any]
#: Runs inside the writing transaction, before it commits: publishing the matching event
#: there means a failed publish rolls the row back instead of leaving the two apart.
BeforeCommit = Callable[[Row], Awaitable[None]]
UploadClaim = Literal["claimed", "missing", "taken"]

#: Columns of ``interviews`` a user may edit.
EDITABLE_COLUMNS = ("company", "job_title", "interview_type", "notes", "job_description", "prep_session_id")
#: A claim older than this belongs to an upload that died with its gateway process.
STALE_UPLOAD_CLAIM = "6 hours"
_NOW_MS = "date_trunc('milliseconds', now())"  # what Avro's timestamp-millis can carry
#: Run at a final record: the rows an earlier, longer run of the transcription left past it.
TRIM_SEGMENTS = "DELETE FROM transcript_segments WHERE interview_id = %(interview_id)s AND seq > %(seq)s"
TRIM_METRICS = "DELETE FROM segment_metrics WHERE interview_id = %(interview_id)s AND seq > %(seq)s"

_INTERVIEW_WITH_STATE = """
SELECT i.*, coalesce(s.status, 'CREATED') AS status, coalesce(s.percent, 0) AS percent,
       s.eta_seconds, s.audio_duration, coalesce(s.segments, 0) AS segments,
       s.error_code, s.error_reason, s.notice, s.updated_at AS status_updated_at,
       coalesce(s.run, 0) AS run, a.overall_score
FROM interviews i
LEFT JOIN interview_states s
       ON s.interview_id = coalesce(i.duplicate_of, i.interview_id) AND s.user_id = i.user_id
LEFT JOIN analyses a
       ON a.interview_id = coalesce(i.duplicate_of, i.interview_id) AND a.user_id = i.user_id
WHERE i.user_id = %(user_id)s AND i.deleted_at IS NULL
"""


def source_interview_id(interview: Row) -> str:
    """Where an interview's results are: the original's id for a duplicate recording."""
    return str(interview["duplicate_of"] or interview["interview_id"])


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_dumps = partial(json.dumps, default=_json_default)


#: Connections held for a whole request at once (tus PATCHes streaming in), at most.
SESSION_CONNECTIONS = 100
#: An idle one is closed after this long.
SESSION_IDLE_SECONDS = 60.0
#: How long a request waits for one when all are held, before the gateway answers 503.
SESSION_WAIT_SECONDS = 30.0


async def _release_session_locks(conn: AsyncConnection[DictRow]) -> None:
    """Run as a session connection goes back to its pool: a lock its holder could not release
    (cancelled mid-unlock) must not stay with a connection someone else gets next."""
    await conn.execute("SELECT pg_advisory_unlock_all()")


class ReadModel:
    """PostgreSQL access for sinks and gateway, over one connection pool per process."""

    def __init__(self, database_url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self._database_url = database_url
        self._pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
            database_url,
            min_size=min_size,
            max_size=max_size,
            open=False,
            # Autocommit: a lone statement is its own transaction, with no BEGIN and COMMIT
            # round trips around it; several that must hold together say conn.transaction().
            kwargs={"row_factory": dict_row, "autocommit": True},
            connection_class=AsyncConnection[DictRow],
        )
        # Connections held for a whole request (a tus PATCH's advisory lock), apart from the
        # pool the short queries share, and reused: opening one costs ~8 ms of SCRAM here.
        self._session_pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
            database_url,
            min_size=0,
            max_size=SESSION_CONNECTIONS,
            max_idle=SESSION_IDLE_SECONDS,
            open=False,
            kwargs={"row_factory": dict_row, "autocommit": True},
            connection_class=AsyncConnection[DictRow],
            reset=_release_session_locks,
        )

    async def open(self, *, migrate: bool = True, timeout: float = 10.0) -> None:
        if migrate:
            await apply_migrations(self._database_url)
        try:
            await self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout as exc:
            raise ReadModelUnavailable(f"no PostgreSQL connection within {timeout}s") from exc
        await self._session_pool.open()

    async def close(self) -> None:
        await self._session_pool.close()
        await self._pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[DictRow]]:
        try:
            async with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise ReadModelUnavailable(str(exc)) from exc

    def connection(self) -> AbstractAsyncContextManager[AsyncConnection[DictRow]]:
        """A pooled connection, for read-model modules with their own tables (``uploads_model``)."""
        return self._connection()

    @asynccontextmanager
    async def session_connection(self) -> AsyncIterator[AsyncConnection[DictRow]]:
        """An autocommit connection to hold session state (advisory locks) for a while; every
        advisory lock it holds is released when it goes back (see ``_release_session_locks``)."""
        try:
            async with self._session_pool.connection(timeout=SESSION_WAIT_SECONDS) as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise ReadModelUnavailable(str(exc)) from exc

    async def ping(self) -> None:
        async with self._connection() as conn:
            await conn.execute("SELECT 1")

    async def _fetch_one(self, query: str, params: dict[str, Any]) -> Row | None:
        async with self._connection() as conn:
            cursor = await conn.execute(query.encode(), params)
            return await cursor.fetchone()

    async def _fetch_all(self, query: str, params: dict[str, Any]) -> list[Row]:
        async with self._connection() as conn:
            cursor = await conn.execute(query.encode(), params)
            return await cursor.fetchall()

    async def _execute_many(self, query: str, rows: Iterable[dict[str, Any]]) -> None:
        batch = list(rows)
        if not batch:
            return
        # executemany pipelines the batch in one round trip and, unlike a multi-row
        # VALUES, accepts the same key twice in one batch (a replay may deliver that).
        async with self._connection() as conn, conn.transaction(), conn.cursor() as cursor:
            await cursor.executemany(query.encode(), batch)

    async def _upsert_trimming_tails(self, upsert: str, trim: str, rows: Iterable[dict[str, Any]]) -> None:
        """Upserts ``rows`` in their order; after each final one, ``trim`` removes its
        interview's rows past its ``seq``. In order, so the rows of a later run further on in
        the same batch are written after the trim, not removed by it; all in one transaction."""
        batch = list(rows)
        if not batch:
            return
        async with self._connection() as conn, conn.transaction(), conn.cursor() as cursor:
            pending: list[dict[str, Any]] = []
            for row in batch:
                pending.append(row)
                if row["final"]:
                    await cursor.executemany(upsert.encode(), pending)
                    await cursor.execute(trim.encode(), row)
                    pending = []
            if pending:
                await cursor.executemany(upsert.encode(), pending)

    # --- writes from the event sinks -------------------------------------------------

    async def upsert_segments(self, segments: list[dict[str, Any]]) -> None:
        await self._upsert_trimming_tails(
            upserts.UPSERT_SEGMENT,
            TRIM_SEGMENTS,
            (
                {**s, "words": Jsonb(s["words"]), "speaker": s.get("speaker"), "final": s.get("final", False)}
                for s in segments
            ),
        )

    async def upsert_metrics(self, metrics: list[dict[str, Any]]) -> None:
        await self._upsert_trimming_tails(
            upserts.UPSERT_METRICS,
            TRIM_METRICS,
            (
                {
                    **m,
                    "filler_words": Jsonb(m["filler_words"]),
                    "pauses": Jsonb(m["pauses"]),
                    "filler_events": Jsonb(m.get("filler_events", [])),
                    "audio_duration": m.get("audio_duration", 0.0),
                    "final": m.get("final", False),
                }
                for m in metrics
            ),
        )

    async def upsert_state(self, state: dict[str, Any]) -> None:
        await self.upsert_states([state])

    async def upsert_states(self, states: list[dict[str, Any]]) -> None:
        defaults = {
            "eta_seconds": None,
            "audio_duration": None,
            "segments": 0,
            "error_code": None,
            "error_reason": None,
            "notice": None,
            "run": 0,
        }
        await self._execute_many(upserts.UPSERT_STATE, ({**defaults, **s} for s in states))

    async def upsert_analysis(self, analysis: dict[str, Any]) -> None:
        row = {"run": 0, **analysis, "document": Jsonb(analysis, dumps=_dumps)}
        await self._execute_many(upserts.UPSERT_ANALYSIS, [row])

    async def seconds_from_upload_to_analysis(self, interview_id: str, user_id: str) -> float | None:
        """From the recording's upload completing to its analysis; None when either is unknown."""
        row = await self._fetch_one(
            "SELECT extract(epoch FROM a.completed_at - i.uploaded_at)::float8 AS seconds"
            " FROM analyses a JOIN interviews i USING (interview_id, user_id)"
            " WHERE a.interview_id = %(interview_id)s AND a.user_id = %(user_id)s",
            {"interview_id": interview_id, "user_id": user_id},
        )
        return None if row is None or row["seconds"] is None else float(row["seconds"])

    async def upsert_metadata(self, metadata: dict[str, Any]) -> None:
        """An ``interview.metadata`` event, e.g. when a replay rebuilds the database (events
        written before ``version`` existed carry none: 0)."""
        await self._execute_many(
            upserts.UPSERT_METADATA, [{"version": 0, "prep_session_id": None, **metadata}]
        )

    async def upsert_uploaded(self, uploaded: dict[str, Any]) -> None:
        """An ``interview.uploaded`` event, e.g. when a replay rebuilds the database."""
        await self._execute_many(upserts.UPSERT_UPLOADED, [uploaded])

    # --- the gateway's writes --------------------------------------------------------

    async def create_interview(
        self, interview_id: str, user_id: str, fields: dict[str, Any], before_commit: BeforeCommit
    ) -> Row:
        values = {column: fields.get(column) for column in EDITABLE_COLUMNS}
        query = f"""
            INSERT INTO interviews (interview_id, user_id, {", ".join(EDITABLE_COLUMNS)},
                                    created_at, updated_at)
            VALUES (%(interview_id)s, %(user_id)s, {", ".join(f"%({c})s" for c in EDITABLE_COLUMNS)},
                    {_NOW_MS}, {_NOW_MS})
            RETURNING *"""
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                query.encode(), {"interview_id": interview_id, "user_id": user_id, **values}
            )
            row = await cursor.fetchone()
            assert row is not None  # INSERT ... RETURNING always returns the row
            await before_commit(row)
        return row

    async def update_interview(
        self,
        interview_id: str,
        user_id: str,
        changes: dict[str, Any],
        before_commit: BeforeCommit,
        expected_versions: Sequence[int] | None = None,
    ) -> Row | None:
        """Apply ``changes`` and bump the version; None when the interview is missing or, given
        ``expected_versions``, when its version is none of them (optimistic locking: the check
        and the write are one statement, so of two editors of one version only one wins)."""
        assignments = [
            sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
            for column in EDITABLE_COLUMNS
            if column in changes
        ]
        assignments.append(sql.SQL("updated_at = " + _NOW_MS + ", version = version + 1"))
        query = sql.SQL(
            "UPDATE interviews SET {assignments}"
            " WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s AND deleted_at IS NULL"
            " AND (%(any_version)s OR version = ANY(%(expected_versions)s::bigint[]))"
            " RETURNING *"
        ).format(assignments=sql.SQL(", ").join(assignments))
        params = {
            **{c: changes[c] for c in EDITABLE_COLUMNS if c in changes},
            "interview_id": interview_id,
            "user_id": user_id,
            "any_version": expected_versions is None,
            "expected_versions": list(expected_versions or ()),
        }
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(query, params)
            row = await cursor.fetchone()
            if row is not None:
                await before_commit(row)
        return row

    async def claim_upload(self, interview_id: str, user_id: str) -> UploadClaim:
        """Reserve the interview for one upload; ``taken`` when it has or is getting one."""
        claimed = await self._fetch_one(
            f"""UPDATE interviews SET upload_claimed_at = now()
                WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s
                  AND blob_uri IS NULL AND deleted_at IS NULL
                  AND (upload_claimed_at IS NULL
                       OR upload_claimed_at < now() - interval '{STALE_UPLOAD_CLAIM}')
                RETURNING interview_id""",
            {"interview_id": interview_id, "user_id": user_id},
        )
        if claimed is not None:
            return "claimed"
        exists = await self._fetch_one(
            "SELECT 1 FROM interviews WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s"
            " AND deleted_at IS NULL",
            {"interview_id": interview_id, "user_id": user_id},
        )
        return "taken" if exists else "missing"

    async def release_upload_claim(self, interview_id: str, user_id: str) -> None:
        async with self._connection() as conn:
            await conn.execute(
                "UPDATE interviews SET upload_claimed_at = NULL"
                " WHERE interview_id = %s AND user_id = %s AND blob_uri IS NULL",
                (interview_id, user_id),
            )

    async def record_upload(
        self,
        interview_id: str,
        user_id: str,
        upload: dict[str, Any],
        before_commit: BeforeCommit,
        *,
        stuck_bound: StuckBound,
    ) -> Row:
        """Attach the stored recording and set the state to UPLOADED (unless a worker was faster).

        When the user already has this file (same SHA-256) on another interview whose analysis
        completed or is still moving, this one becomes its duplicate instead: ``duplicate_of``
        names the original, no state is written and ``before_commit`` is not called, so nothing
        is processed again. Reads follow ``duplicate_of`` (see :func:`source_interview_id`).
        An original whose analysis failed, or is stuck past ``stuck_bound``, is not linked: the
        upload is analysed anew, since linking would only show the user the same failure.
        """
        params = {
            "duration_seconds": None,
            "has_audio": None,
            **upload,
            "interview_id": interview_id,
            "user_id": user_id,
        }
        async with self._connection() as conn, conn.transaction():
            # Two uploads of one file completing together take turns: exactly one is the original.
            await conn.execute(
                b"SELECT pg_advisory_xact_lock(hashtextextended("
                b"'recording-sha256:' || %(user_id)s || ':' || %(sha256)s, 0))",
                params,
            )
            cursor = await conn.execute(
                f"""SELECT i.interview_id FROM interviews i
                    JOIN interview_states s ON s.interview_id = i.interview_id AND s.user_id = i.user_id
                    WHERE i.user_id = %(user_id)s AND i.sha256 = %(sha256)s
                      AND i.interview_id <> %(interview_id)s
                      AND i.blob_uri IS NOT NULL AND i.duplicate_of IS NULL
                      AND i.deleted_at IS NULL AND i.recording_deleted_at IS NULL
                      AND (s.status = 'COMPLETED' OR (s.status <> 'FAILED' AND NOT ({STUCK})))
                    ORDER BY i.uploaded_at, i.interview_id LIMIT 1""".encode(),
                {**params, **stuck_bound.params()},
            )
            original = await cursor.fetchone()
            params["duplicate_of"] = original["interview_id"] if original else None
            cursor = await conn.execute(
                f"""UPDATE interviews SET filename = %(filename)s, content_type = %(content_type)s,
                        size_bytes = %(size_bytes)s, sha256 = %(sha256)s, blob_uri = %(blob_uri)s,
                        duration_seconds = %(duration_seconds)s, has_audio = %(has_audio)s,
                        duplicate_of = %(duplicate_of)s, uploaded_at = {_NOW_MS}
                    WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s
                      AND deleted_at IS NULL
                    RETURNING *""".encode(),
                params,
            )
            row = await cursor.fetchone()
            if row is None:
                raise ReadModelUnavailable(
                    f"interview {interview_id} vanished (or was deleted) during its upload"
                )
            if row["duplicate_of"] is not None:
                return row
            await conn.execute(
                f"""INSERT INTO interview_states (interview_id, user_id, status, percent, version, updated_at)
                    VALUES (%(interview_id)s, %(user_id)s, 'UPLOADED', 0, 0, {_NOW_MS})
                    ON CONFLICT (interview_id) DO NOTHING""".encode(),
                params,
            )
            await before_commit(row)
        return row

    async def start_reanalysis(
        self, interview_id: str, user_id: str, before_commit: BeforeCommit
    ) -> Row | None:
        """Start the next analysis run of the caller's interview (an original, not a duplicate:
        pass :func:`source_interview_id`): its state goes back to UPLOADED under ``run`` + 1, its
        stuck-interview count starts over, and ``before_commit`` is called with the interview's
        row and the new ``run`` before committing (it publishes ``interview.uploaded``). None
        when there is no such interview. Raises :class:`AnalysisStillRunning` unless the current
        analysis completed or failed, and :class:`NoRecordingToAnalyse` when no recording is
        stored. The rows of the earlier run stay until the new run rewrites them.
        """
        params = {"interview_id": interview_id, "user_id": user_id}
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                b"""SELECT * FROM interviews
                    WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s AND deleted_at IS NULL
                    FOR UPDATE""",
                params,
            )
            interview = await cursor.fetchone()
            if interview is None:
                return None
            if interview["blob_uri"] is None or interview["recording_deleted_at"] is not None:
                raise NoRecordingToAnalyse(f"interview {interview_id} has no stored recording")
            cursor = await conn.execute(
                f"""UPDATE interview_states SET status = 'UPLOADED', percent = 0, eta_seconds = NULL,
                        audio_duration = NULL, segments = 0, error_code = NULL, error_reason = NULL,
                        notice = NULL, version = version + 1, updated_at = {_NOW_MS}, run = run + 1
                    WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s
                      AND status IN ('COMPLETED', 'FAILED')
                    RETURNING status, run""".encode(),
                params,
            )
            state = await cursor.fetchone()
            if state is None:
                raise AnalysisStillRunning(f"interview {interview_id} is still being analysed")
            cursor = await conn.execute(
                b"""UPDATE interviews SET reemitted_at = NULL, reemit_count = 0
                    WHERE interview_id = %(interview_id)s RETURNING *""",
                params,
            )
            row = {**(await cursor.fetchone() or interview), **state}
            await before_commit(row)
        return row

    # --- the gateway's reads ---------------------------------------------------------

    async def recording_usage(self, user_id: str) -> tuple[int, int]:
        """``(recordings, bytes)`` counted against the user's quota: kept recordings, plus
        unfinished tus uploads that have not expired (at their declared length, or what they
        hold while the length is deferred). An expired upload stops counting before it is swept."""
        row = await self._fetch_one(
            """WITH kept AS (
                   SELECT count(*) AS recordings, coalesce(sum(size_bytes), 0) AS bytes
                   FROM interviews WHERE user_id = %(user_id)s AND blob_uri IS NOT NULL
                     AND deleted_at IS NULL AND recording_deleted_at IS NULL),
               pending AS (
                   SELECT count(*) AS recordings,
                          coalesce(sum(coalesce(upload_length, upload_offset)), 0) AS bytes
                   FROM tus_uploads
                   WHERE user_id = %(user_id)s AND completed_at IS NULL AND expires_at > now())
               SELECT kept.recordings + pending.recordings AS recordings,
                      kept.bytes + pending.bytes AS bytes
               FROM kept, pending""",
            {"user_id": user_id},
        )
        assert row is not None  # an aggregate always returns a row
        return int(row["recordings"]), int(row["bytes"])

    async def get_interview(self, interview_id: str, user_id: str) -> Row | None:
        return await self._fetch_one(
            _INTERVIEW_WITH_STATE + " AND i.interview_id = %(interview_id)s",
            {"interview_id": interview_id, "user_id": user_id},
        )

    async def get_interview_with_analysis(self, interview_id: str, user_id: str) -> Row | None:
        """The interview as :meth:`get_interview` gives it, with its analysis's document in
        ``analysis_document`` (None until there is one): one round trip for the analysis page."""
        return await self._fetch_one(
            _INTERVIEW_WITH_STATE.replace("SELECT ", "SELECT a.document AS analysis_document, ", 1)
            + " AND i.interview_id = %(interview_id)s",
            {"interview_id": interview_id, "user_id": user_id},
        )

    async def list_interviews(self, user_id: str, limit: int, offset: int) -> tuple[list[Row], int]:
        # The page and the count in one statement: the window counts before LIMIT applies.
        rows = await self._fetch_all(
            _INTERVIEW_WITH_STATE.replace("SELECT ", "SELECT count(*) OVER () AS total_count, ", 1)
            + " ORDER BY i.created_at DESC, i.interview_id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {"user_id": user_id, "limit": limit, "offset": offset},
        )
        if rows:
            count = int(rows[0]["total_count"])
            for row in rows:
                del row["total_count"]
            return rows, count
        if offset == 0:
            return rows, 0
        # A page past the end has no row to carry the count.
        total = await self._fetch_one(
            "SELECT count(*) AS count FROM interviews WHERE user_id = %(user_id)s AND deleted_at IS NULL",
            {"user_id": user_id},
        )
        return rows, int(total["count"]) if total else 0

    async def list_segments(self, interview_id: str, user_id: str, query: str | None = None) -> list[Row]:
        search = ""
        if query:
            # Every word of the query must occur in the segment; the GIN index serves this.
            search = (
                " AND to_tsvector('simple'::regconfig, text)"
                " @@ plainto_tsquery('simple'::regconfig, %(query)s)"
            )
        return await self._fetch_all(
            "SELECT * FROM transcript_segments"
            " WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s" + search + " ORDER BY seq",
            {"interview_id": interview_id, "user_id": user_id, "query": query},
        )

    async def list_segment_times(self, interview_id: str, user_id: str) -> list[Row]:
        """Each segment's ``seq``, ``start`` and ``end``, without its words: where moments fall."""
        return await self._fetch_all(
            'SELECT seq, start, "end" FROM transcript_segments'
            " WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s ORDER BY seq",
            {"interview_id": interview_id, "user_id": user_id},
        )

    async def list_metrics(self, interview_id: str, user_id: str) -> list[Row]:
        return await self._fetch_all(
            "SELECT * FROM segment_metrics WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s"
            " ORDER BY seq",
            {"interview_id": interview_id, "user_id": user_id},
        )

    async def get_analysis(self, interview_id: str, user_id: str) -> Row | None:
        return await self._fetch_one(
            "SELECT * FROM analyses WHERE interview_id = %(interview_id)s AND user_id = %(user_id)s",
            {"interview_id": interview_id, "user_id": user_id},
        )
