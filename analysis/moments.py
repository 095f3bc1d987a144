"""A moment in a recording as a reader reads it, the same in every text we write."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """The second a moment falls in: 9.9 -> "0:09", 130.7 -> "2:10", 3725 -> "1:02:05"."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
