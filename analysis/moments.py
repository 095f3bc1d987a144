"""A moment in a recording as a reader reads it, the same in every text we write, and the
moments a text cites read back, so a reader can be taken to them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

#: What :func:`clock` writes: m:ss or h:mm:ss, not inside a longer run of digits.
_CLOCK = re.compile(r"(?<![\d:.])(?:(\d+):)?(\d+):([0-5]\d)(?![\d:])")


def clock(seconds: float) -> str:
    """The second a moment falls in: 9.9 -> "0:09", 130.7 -> "2:10", 3725 -> "1:02:05"."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def cited_moments(text: str) -> list[tuple[str, int]]:
    """The moments ``text`` cites as :func:`clock` writes them, in order: (label, second)."""
    moments = []
    for match in _CLOCK.finditer(text):
        hours, minutes, secs = match.groups()
        if hours is not None and int(minutes) > 59:
            continue
        moments.append((match.group(0), int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)))
    return moments


def segment_at(second: int, segments: Sequence[Mapping[str, Any]]) -> int | None:
    """The ``seq`` of the transcript segment that holds ``second`` (the second a :func:`clock`
    label names, so any part of it), else of the first segment after it (the moment fell in a
    pause), else of the last one; None without segments."""
    ordered = sorted(segments, key=lambda segment: float(segment["start"]))
    for segment in ordered:
        if float(segment["start"]) < second + 1 and float(segment["end"]) >= second:
            return int(segment["seq"])
    later = [segment for segment in ordered if float(segment["start"]) >= second]
    chosen = later[0] if later else (ordered[-1] if ordered else None)
    return None if chosen is None else int(chosen["seq"])


def recommendation_moments(
    recommendations: Sequence[str], segments: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Each recommendation with the moments it cites and the segment of the transcript that
    holds each one (a recommendation that cites a figure, not a moment, has none)."""
    return [
        {
            "text": text,
            "moments": [
                {"label": label, "second": second, "seq": segment_at(second, segments)}
                for label, second in cited_moments(text)
            ],
        }
        for text in recommendations
    ]
