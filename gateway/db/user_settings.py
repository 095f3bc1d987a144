"""Per-user settings in PostgreSQL (``user_settings``): a missing row, or a null, means the defaults.

The row also keeps the address notifications are emailed to (``email``), recorded by
:class:`UserContacts` when the user is seen with a token that carries one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sinks.read_model import ReadModel

#: Email notifications are on unless the user turned them off.
DEFAULT_EMAIL_NOTIFICATIONS = True


@dataclass(frozen=True)
class StoredSettings:
    #: None: the service's default.
    retention_days: int | None = None
    email_notifications: bool | None = None


class UserSettingsQueries:
    def __init__(self, read_model: ReadModel) -> None:
        self._read_model = read_model

    async def stored(self, user_id: str) -> StoredSettings:
        """What the user chose (None for each setting left at its default)."""
        async with self._read_model.connection() as conn:
            cursor = await conn.execute(
                b"SELECT retention_days, email_notifications FROM user_settings WHERE user_id = %(user_id)s",
                {"user_id": user_id},
            )
            row = await cursor.fetchone()
        return StoredSettings() if row is None else StoredSettings(**row)

    async def retention_days(self, user_id: str) -> int | None:
        """The user's retention period in days; None when they kept the default."""
        return (await self.stored(user_id)).retention_days

    async def set_retention_days(self, user_id: str, days: int | None) -> None:
        """Set (or, with None, reset to the default) the user's retention period."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"""INSERT INTO user_settings (user_id, retention_days) VALUES (%(user_id)s, %(days)s)
                    ON CONFLICT (user_id) DO UPDATE SET retention_days = EXCLUDED.retention_days,
                                                        updated_at = now()""",
                {"user_id": user_id, "days": days},
            )

    async def set_email_notifications(self, user_id: str, on: bool | None) -> None:
        """Turn email notifications on or off (None: back to the default, on)."""
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"""INSERT INTO user_settings (user_id, email_notifications) VALUES (%(user_id)s, %(on)s)
                    ON CONFLICT (user_id) DO UPDATE SET email_notifications = EXCLUDED.email_notifications,
                                                        updated_at = now()""",
                {"user_id": user_id, "on": on},
            )

    async def record_email(self, user_id: str, email: str) -> None:
        async with self._read_model.connection() as conn:
            await conn.execute(
                b"""INSERT INTO user_settings (user_id, email, email_seen_at)
                    VALUES (%(user_id)s, %(email)s, now())
                    ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email,
                                                        email_seen_at = EXCLUDED.email_seen_at""",
                {"user_id": user_id, "email": email},
            )


#: Users whose address this process recorded, remembered to spare a write per request.
REMEMBERED_USERS = 10_000


class UserContacts:
    """Records the address in a user's token the first time this process sees it (and when it
    changes), so the worker knows where to email their notifications."""

    def __init__(self, read_model: ReadModel) -> None:
        self._queries = UserSettingsQueries(read_model)
        self._recorded: OrderedDict[str, str] = OrderedDict()

    async def seen(self, user_id: str, email: str | None) -> None:
        if email is None or self._recorded.get(user_id) == email:
            return
        await self._queries.record_email(user_id, email)
        self._recorded[user_id] = email
        self._recorded.move_to_end(user_id)
        while len(self._recorded) > REMEMBERED_USERS:
            self._recorded.popitem(last=False)

    def forget(self, user_id: str) -> None:
        """The user was deleted: their address is recorded again when they come back."""
        self._recorded.pop(user_id, None)
