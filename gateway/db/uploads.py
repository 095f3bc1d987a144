"""The state of resumable (tus) uploads in PostgreSQL: offsets that survive a restart.

A PATCH holds a session-level advisory lock on a session connection (``ReadModel``'s second
pool) for as long as its body streams in: a second PATCH to the same upload is refused
instead of interleaving bytes, and a gateway that dies releases the lock with its connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from sinks.errors import ReadModelUnavailable
from sinks.read_model import ReadModel

_COLUMNS = (
    "upload_id, user_id, interview_id, upload_length, upload_offset, metadata, media_format,"
    " created_at, expires_at, completed_at"
)
# A 64-bit key per upload; the prefix keeps it apart from the migrations' advisory lock.
_LOCK_KEY = "hashtextextended('tus-upload:' || %(upload_id)s, 0)"


@dataclass(frozen=True)
class UploadRow:
    upload_id: str
    user_id: str
    interview_id: str
    upload_length: int | None
    upload_offset: int
    metadata: dict[str, str | None]
    media_format: str | None
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> UploadRow:
        return cls(**row)


class LockedUpload:
    """One upload while its PATCH holds the lock; writes go through the lock's connection."""

    def __init__(self, conn: AsyncConnection[DictRow], upload_id: str) -> None:
        self._conn = conn
        self.upload_id = upload_id

    async def _execute(self, query: str, params: dict[str, Any]) -> DictRow | None:
        try:
            cursor = await self._conn.execute(query.encode(), {**params, "upload_id": self.upload_id})
            return await cursor.fetchone() if cursor.description else None
        except psycopg.OperationalError as exc:
            raise ReadModelUnavailable(str(exc)) from exc

    async def reload(self) -> UploadRow | None:
        """The row as it is now that the lock is held (another PATCH may have moved it)."""
        row = await self._execute(f"SELECT {_COLUMNS} FROM tus_uploads WHERE upload_id = %(upload_id)s", {})
        return UploadRow.from_row(row) if row else None

    async def set_offset(self, offset: int, expires_in: timedelta) -> None:
        # The interview's upload claim is refreshed with it: an upload that is still moving
        # must not look abandoned to the plain upload route (read_model.STALE_UPLOAD_CLAIM).
        await self._execute(
            """WITH moved AS (
                   UPDATE tus_uploads SET upload_offset = %(offset)s, expires_at = now() + %(expires_in)s
                   WHERE upload_id = %(upload_id)s RETURNING interview_id, user_id)
               UPDATE interviews i SET upload_claimed_at = now() FROM moved m
               WHERE i.interview_id = m.interview_id AND i.user_id = m.user_id AND i.blob_uri IS NULL""",
            {"offset": offset, "expires_in": expires_in},
        )

    async def set_length(self, length: int) -> None:
        await self._execute(
            "UPDATE tus_uploads SET upload_length = %(length)s"
            " WHERE upload_id = %(upload_id)s AND upload_length IS NULL",
            {"length": length},
        )

    async def set_media_format(self, media_format: str) -> None:
        await self._execute(
            "UPDATE tus_uploads SET media_format = %(media_format)s WHERE upload_id = %(upload_id)s",
            {"media_format": media_format},
        )

    async def mark_completed(self) -> None:
        await self._execute("UPDATE tus_uploads SET completed_at = now() WHERE upload_id = %(upload_id)s", {})

    async def delete(self) -> None:
        await self._execute("DELETE FROM tus_uploads WHERE upload_id = %(upload_id)s", {})


class UploadQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def create(
        self,
        *,
        upload_id: str,
        user_id: str,
        interview_id: str,
        upload_length: int | None,
        metadata: dict[str, str | None],
        expires_in: timedelta,
    ) -> UploadRow:
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                f"""INSERT INTO tus_uploads (upload_id, user_id, interview_id, upload_length, metadata,
                                            expires_at)
                    VALUES (%(upload_id)s, %(user_id)s, %(interview_id)s, %(upload_length)s,
                            %(metadata)s, now() + %(expires_in)s)
                    RETURNING {_COLUMNS}""".encode(),
                {
                    "upload_id": upload_id,
                    "user_id": user_id,
                    "interview_id": interview_id,
                    "upload_length": upload_length,
                    "metadata": Jsonb(metadata),
                    "expires_in": expires_in,
                },
            )
            row = await cursor.fetchone()
        assert row is not None  # INSERT ... RETURNING always returns the row
        return UploadRow.from_row(row)

    async def get(self, upload_id: str, user_id: str) -> UploadRow | None:
        """The caller's upload; another user's looks exactly like a missing one."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM tus_uploads"
                " WHERE upload_id = %(upload_id)s AND user_id = %(user_id)s".encode(),
                {"upload_id": upload_id, "user_id": user_id},
            )
            row = await cursor.fetchone()
        return UploadRow.from_row(row) if row else None

    async def list_expired(self, now: datetime, limit: int = 100) -> list[UploadRow]:
        """Incomplete uploads whose expiry has passed, oldest first."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM tus_uploads"
                " WHERE completed_at IS NULL AND expires_at <= %(now)s"
                " ORDER BY expires_at LIMIT %(limit)s".encode(),
                {"now": now, "limit": limit},
            )
            rows = await cursor.fetchall()
        return [UploadRow.from_row(row) for row in rows]

    def try_lock(self, upload_id: str) -> AbstractAsyncContextManager[LockedUpload | None]:
        """The upload, locked for this caller; None when another request holds it."""
        return self._try_lock(upload_id)

    @asynccontextmanager
    async def _try_lock(self, upload_id: str) -> AsyncIterator[LockedUpload | None]:
        # A session connection, not the shared pool's: it is held for a whole PATCH body, and
        # many uploads at once must not starve the pool the other routes share.
        async with self._read_model.session_connection() as conn:
            params = {"upload_id": upload_id}
            cursor = await conn.execute(
                f"SELECT pg_try_advisory_lock({_LOCK_KEY}) AS locked".encode(), params
            )
            row = await cursor.fetchone()
            if not (row and row["locked"]):
                yield None
                return
            try:
                yield LockedUpload(conn, upload_id)
            finally:
                # Returning the connection releases every lock it holds anyway; this is tidier.
                with suppress(psycopg.Error):
                    await conn.execute(f"SELECT pg_advisory_unlock({_LOCK_KEY})".encode(), params)
