"""Per-user settings in PostgreSQL (``user_settings``): a missing row means the defaults."""

from __future__ import annotations

from sinks.read_model import ReadModel


class UserSettingsQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def retention_days(self, user_id: str) -> int | None:
        """The user's retention period in days; None when they kept the default."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"SELECT retention_days FROM user_settings WHERE user_id = %(user_id)s", {"user_id": user_id}
            )
            row = await cursor.fetchone()
        return None if row is None else row["retention_days"]

    async def set_retention_days(self, user_id: str, days: int | None) -> None:
        """Set (or, with None, reset to the default) the user's retention period."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"""INSERT INTO user_settings (user_id, retention_days) VALUES (%(user_id)s, %(days)s)
                    ON CONFLICT (user_id) DO UPDATE SET retention_days = EXCLUDED.retention_days,
                                                        updated_at = now()""",
                {"user_id": user_id, "days": days},
            )
