"""The per-user quota: how many recordings a user keeps and how many bytes they take.

Kept recordings count, and so do unfinished tus uploads until they expire (an abandoned
upload stops counting at its expiry, before the sweeper removes it). The check runs when
an upload is created, so nobody sends a gigabyte only to be refused at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import QuotaExceeded
from gateway.settings import Settings


@dataclass(frozen=True)
class QuotaLimits:
    """How many recordings a user keeps and how many bytes they take; None: no limit."""

    recordings: int | None
    bytes: int | None

    @classmethod
    def from_settings(cls, settings: Settings) -> QuotaLimits:
        """The limits set; unset, the free tier's in production and none in development."""
        tier = FREE_TIER if settings.environment == "production" else NO_LIMIT
        return cls(
            recordings=settings.quota_recordings or tier.recordings,
            bytes=settings.quota_bytes or tier.bytes,
        )

    def bytes_free(self, usage: QuotaUsage) -> int | None:
        return None if self.bytes is None else max(self.bytes - usage.bytes, 0)


@dataclass(frozen=True)
class QuotaUsage:
    recordings: int
    bytes: int

    def without(self, length: int) -> QuotaUsage:
        """This usage minus one upload of ``length`` bytes (the one being checked)."""
        return QuotaUsage(recordings=max(self.recordings - 1, 0), bytes=max(self.bytes - length, 0))


def human_bytes(size: int) -> str:
    """``10 GB``, ``1.5 GB``, ``300 MB``, ``12 KB``, ``512 bytes`` (binary multiples, as the limit is set)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


FREE_TIER = QuotaLimits(recordings=20, bytes=10 * 1024**3)
NO_LIMIT = QuotaLimits(recordings=None, bytes=None)


def check_room(usage: QuotaUsage, limits: QuotaLimits, length: int | None) -> None:
    """Refuse one more recording of ``length`` bytes (None: not declared yet) past the limits."""
    if limits.recordings is not None and usage.recordings + 1 > limits.recordings:
        raise QuotaExceeded(
            f"recording quota: {usage.recordings} of {limits.recordings} used",
            user_message=f"Your account can keep {limits.recordings} recordings and already has "
            f"{usage.recordings} (unfinished uploads count until they expire). Delete an interview "
            "you no longer need, or cancel an unfinished upload, then upload again.",
        )
    if limits.bytes is not None and (
        usage.bytes + (length or 0) > limits.bytes or usage.bytes >= limits.bytes
    ):
        raise storage_exceeded(usage, limits.bytes, length)


def storage_exceeded(usage: QuotaUsage, limit: int, length: int | None = None) -> QuotaExceeded:
    """The refusal of a recording (of ``length`` bytes, when known) that does not fit in ``limit``."""
    size = f" ({human_bytes(length)})" if length is not None else ""
    free = human_bytes(max(limit - usage.bytes, 0))
    return QuotaExceeded(
        f"storage quota: {usage.bytes} of {limit} bytes used, {length} more asked",
        user_message=f"This recording{size} does not fit in your {human_bytes(limit)} of storage: "
        f"you use {human_bytes(usage.bytes)}, {free} are free. Delete an interview you no longer "
        "need, or upload a smaller file.",
    )
