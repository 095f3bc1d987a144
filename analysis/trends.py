"""A job seeker's progress over many interviews: one point per analysed interview, and how
each measure moved from the first to the latest.

Pure: the gateway reads the analyses and their interviews' metadata, this shapes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

STAR_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    #: True when a higher value is better (the overall score), False when lower is (filler words).
    higher_is_better: bool | None


MEASURES: tuple[Measure, ...] = (
    Measure("overall_score", "Overall score", "/100", True),
    Measure("confidence", "Confidence", "/100", True),
    Measure("fillers_per_minute", "Filler words per minute", "/min", False),
    Measure("star_completeness", "STAR completeness", "%", True),
    # Neither: a pace is good within a range, not the higher or the lower.
    Measure("wpm", "Pace", "words/min", None),
)


def content_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The content section of an analysis document (stored as a JSON string or an object)."""
    content = document.get("content")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except json.JSONDecodeError:
            return {}
    return content if isinstance(content, Mapping) else {}


def star_completeness(turns: Sequence[Mapping[str, Any]]) -> float | None:
    """The share of STAR parts present over the analysed answers (0–100), None without answers."""
    parts = [
        bool((turn.get("star") or {}).get(part, {}).get("present"))
        for turn in turns
        if turn.get("star")
        for part in STAR_PARTS
    ]
    return round(100 * sum(parts) / len(parts), 1) if parts else None


def trend_point(interview: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """One analysed interview as a point of the trends: when, where, and each measure (None
    when the analysis does not have it, e.g. no answers were found)."""
    speech = document.get("speech") or {}
    content = content_of(document)
    confidence = content.get("confidence_score", (document.get("scores") or {}).get("confidence"))
    return {
        "interview_id": interview["interview_id"],
        "completed_at": document.get("completed_at") or interview.get("completed_at"),
        "company": interview.get("company"),
        "job_title": interview.get("job_title"),
        "interview_type": interview.get("interview_type"),
        "overall_score": document.get("overall_score"),
        "confidence": confidence,
        "fillers_per_minute": speech.get("fillers_per_minute"),
        "star_completeness": star_completeness(content.get("turns") or []),
        "wpm": speech.get("wpm"),
    }


def _change(points: Sequence[Mapping[str, Any]], measure: Measure) -> dict[str, Any]:
    """From the first point that has the measure to the latest that has it; ``improved`` is None
    where neither direction is better, or nothing changed."""
    values = [point[measure.key] for point in points if point.get(measure.key) is not None]
    first, latest = (values[0], values[-1]) if values else (None, None)
    change = None if first is None or latest is None else round(latest - first, 1)
    improved = None
    if change and measure.higher_is_better is not None:
        improved = (change > 0) == measure.higher_is_better
    return {
        "measure": measure.key,
        "label": measure.label,
        "unit": measure.unit,
        "first": first,
        "latest": latest,
        "change": change,
        "improved": improved,
    }


def trends(
    points: Sequence[Mapping[str, Any]], *, company: str | None = None, interview_type: str | None = None
) -> dict[str, Any]:
    """The points oldest first, filtered by company (case-insensitive) and interview type; each
    measure's first, latest and change over them; and the companies (one spelling each) and
    types there are to filter by."""
    ordered = sorted(points, key=lambda point: str(point["completed_at"]))
    # One choice per company whatever its case (the filter ignores case), as it was last written.
    spellings = {point["company"].casefold(): point["company"] for point in ordered if point.get("company")}
    kept = [
        point
        for point in ordered
        if (company is None or (point.get("company") or "").casefold() == company.casefold())
        and (interview_type is None or point.get("interview_type") == interview_type)
    ]
    return {
        "points": [dict(point) for point in kept],
        "changes": [_change(kept, measure) for measure in MEASURES],
        "companies": sorted(spellings.values(), key=str.casefold),
        "interview_types": sorted(
            {point["interview_type"] for point in ordered if point.get("interview_type")}
        ),
    }
