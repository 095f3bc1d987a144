"""The PDF exports open as PDFs and hold what the user asked for: read back with pypdf."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from analysis.trends import trend_point, trends
from gateway import pdf_reports
from gateway.pdf_reports import analysis_report, history_report

INTERVIEW = {
    "interview_id": "i-1",
    "company": "Zürich Ørsted AG",
    "job_title": "Data engineer",
    "interview_type": "technical",
}
TURN = {
    "question": "Tell me about a time you disagreed with a teammate.",
    "answer_start": 130.7,
    "relevance": 74.0,
    "star": {
        "situation": {"present": True},
        "task": {"present": False},
        "action": {"present": True},
        "result": {"present": True},
    },
}
DOCUMENT: dict[str, Any] = {
    "interview_id": "i-1",
    "overall_score": 72.4,
    "scores": {"speech": 71.9, "relevance": 74.0, "confidence": 83.0},
    "speech": {
        "wpm": 160.1,
        "filler_total": 19,
        "fillers_per_minute": 6.93,
        "filler_words": {"um": 12, "like": 7},
        "pause_count": 31,
        "long_pause_count": 2,
        "longest_pause_seconds": 3.2,
        "clarity_score": 86.5,
    },
    "content": json.dumps({"turns": [TURN]}),
    "recommendations": ["Cut the filler words: 6.9 per minute, mostly 'um'."],
    "warnings": ["Speakers uncertain: the questions were told apart by their wording."],
    "preliminary": False,
    "completed_at": datetime(2026, 12, 5, 14, 30, tzinfo=UTC),
}


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_an_analysis_report_holds_the_score_speech_questions_warnings_and_recommendations() -> None:
    text = _text(analysis_report(INTERVIEW, DOCUMENT))
    assert "Overall score 72 / 100" in text
    assert "Zürich Ørsted AG · Data engineer · technical" in text
    assert "160 words per minute" in text
    assert "19 (6.9 per minute)" in text
    assert "um 12, like 7" in text
    assert "Tell me about a time you disagreed with a teammate. (at 2:10)" in text
    assert "missing task" in text
    assert "Speakers uncertain" in text
    assert "Cut the filler words" in text


def test_an_analysis_without_answers_or_recommendations_still_makes_a_report() -> None:
    bare = {"overall_score": 40.0, "speech": {}, "content": None, "completed_at": None}
    text = _text(analysis_report({"interview_id": "x"}, bare))
    assert "Overall score 40 / 100" in text
    assert "An interview" in text


def test_a_history_report_charts_and_tabulates_the_interviews() -> None:
    points = [
        trend_point(INTERVIEW, {**DOCUMENT, "completed_at": "2026-11-01T10:00:00+00:00"}),
        trend_point(
            {**INTERVIEW, "interview_id": "i-2", "company": "Globex"},
            {**DOCUMENT, "overall_score": 81.0, "completed_at": "2026-12-01T10:00:00+00:00"},
        ),
    ]
    text = _text(history_report("ada", trends(points)))
    assert "ada: 2 analysed interviews" in text
    assert "Overall score, oldest interview on the left" in text
    assert "+8.6" in text  # 72.4 → 81
    assert "2026-11-01" in text and "Globex" in text


def test_an_empty_history_says_what_to_do() -> None:
    text = _text(history_report("ada", trends([])))
    assert "upload a recording" in text


def test_without_the_dejavu_font_the_report_still_opens(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf_reports, "FONT_DIR", tmp_path)
    text = _text(analysis_report({**INTERVIEW, "company": "Москва"}, DOCUMENT))
    assert "Overall score 72 / 100" in text
    assert "??????" in text  # outside Latin-1, in the core font
