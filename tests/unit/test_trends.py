"""A user's progress over many interviews: the points, their filters and each measure's change."""

from __future__ import annotations

import json
from typing import Any

from analysis.trends import star_completeness, trend_point, trends


def _turn(*present: str) -> dict[str, Any]:
    return {
        "star": {part: {"present": part in present} for part in ("situation", "task", "action", "result")}
    }


def _document(
    overall: float, wpm: float, fillers: float, confidence: float | None, turns: list[Any]
) -> dict[str, Any]:
    content = {"turns": turns, "confidence_score": confidence} if confidence is not None else {"turns": turns}
    return {
        "overall_score": overall,
        "speech": {"wpm": wpm, "fillers_per_minute": fillers},
        "scores": {"confidence": 50.0},
        "content": json.dumps(content),  # as the event carries it
    }


def _point(
    interview_id: str, when: str, company: str | None, kind: str | None, **measures: Any
) -> dict[str, Any]:
    document = _document(
        measures.get("overall", 60.0),
        measures.get("wpm", 150.0),
        measures.get("fillers", 5.0),
        measures.get("confidence", 70.0),
        measures.get("turns", [_turn("situation", "action")]),
    )
    interview = {
        "interview_id": interview_id,
        "company": company,
        "job_title": "Engineer",
        "interview_type": kind,
    }
    return trend_point(interview, {**document, "completed_at": when})


def test_star_completeness_is_the_share_of_parts_present_over_the_answers() -> None:
    assert star_completeness([_turn("situation", "task", "action", "result"), _turn("action")]) == 62.5
    assert star_completeness([]) is None
    assert star_completeness([{"question": "no star analysed"}]) is None


def test_a_point_reads_each_measure_from_the_analysis_document() -> None:
    point = _point(
        "a", "2026-01-01", "Acme", "technical", overall=72.0, wpm=141.0, fillers=3.5, confidence=81.0
    )
    assert point == {
        "interview_id": "a",
        "completed_at": "2026-01-01",
        "company": "Acme",
        "job_title": "Engineer",
        "interview_type": "technical",
        "overall_score": 72.0,
        "confidence": 81.0,
        "fillers_per_minute": 3.5,
        "star_completeness": 50.0,
        "wpm": 141.0,
    }


def test_confidence_falls_back_to_the_score_and_a_missing_content_leaves_star_unknown() -> None:
    point = trend_point(
        {"interview_id": "a"}, {"overall_score": 50.0, "scores": {"confidence": 44.0}, "content": "oops"}
    )
    assert point["confidence"] == 44.0
    assert point["star_completeness"] is None
    assert point["wpm"] is None


def test_points_come_oldest_first_and_changes_say_whether_they_are_for_the_better() -> None:
    later = _point("b", "2026-03-01", "Acme", "technical", overall=80.0, fillers=2.0, wpm=130.0)
    earlier = _point("a", "2026-01-01", "Globex", "behavioral", overall=60.0, fillers=6.0, wpm=170.0)
    result = trends([later, earlier])
    assert [point["interview_id"] for point in result["points"]] == ["a", "b"]
    changes = {change["measure"]: change for change in result["changes"]}
    assert changes["overall_score"] | {} == {
        "measure": "overall_score",
        "label": "Overall score",
        "unit": "/100",
        "first": 60.0,
        "latest": 80.0,
        "change": 20.0,
        "improved": True,
    }
    assert changes["fillers_per_minute"]["change"] == -4.0
    assert changes["fillers_per_minute"]["improved"] is True  # fewer filler words is better
    assert changes["wpm"]["improved"] is None  # a pace is good within a range
    assert changes["confidence"]["improved"] is None  # unchanged
    assert result["companies"] == ["Acme", "Globex"]
    assert result["interview_types"] == ["behavioral", "technical"]


def test_filters_keep_one_company_in_any_case_or_one_type_and_still_list_every_choice() -> None:
    points = [
        _point("a", "2026-01-01", "Acme", "technical"),
        _point("b", "2026-02-01", "acme", "behavioral"),
        _point("c", "2026-03-01", "Globex", "technical"),
    ]
    assert [p["interview_id"] for p in trends(points, company="ACME")["points"]] == ["a", "b"]
    assert [p["interview_id"] for p in trends(points, interview_type="technical")["points"]] == ["a", "c"]
    nothing = trends(points, company="Initech")
    assert nothing["points"] == []
    assert all(change["change"] is None and change["improved"] is None for change in nothing["changes"])
    assert nothing["companies"] == ["acme", "Globex"]  # one choice per company, as last written


def test_a_measure_missing_from_some_interviews_changes_between_those_that_have_it() -> None:
    points = [
        _point("a", "2026-01-01", "Acme", None, turns=[]),
        _point("b", "2026-02-01", "Acme", None, turns=[_turn("situation")]),
        _point("c", "2026-03-01", "Acme", None, turns=[_turn("situation", "task", "action", "result")]),
    ]
    star = next(change for change in trends(points)["changes"] if change["measure"] == "star_completeness")
    assert (star["first"], star["latest"], star["change"]) == (25.0, 100.0, 75.0)
