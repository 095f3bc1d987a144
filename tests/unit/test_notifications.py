"""What a finished or failed analysis tells its user (analysis/notifications.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analysis import notifications
from analysis.notifications import (
    ANALYSIS_COMPLETED,
    ANALYSIS_FAILED,
    email_of,
    for_completed_analysis,
    for_failed_state,
    interview_url,
    is_new_run,
    is_recent,
    notification_id,
)

WEB = "http://app.example/"
#: Words of the (imagined) transcript: none may reach a notification or an email.
TRANSCRIPT_WORDS = ("kubernetes", "migration", "stakeholders")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def analysis(**changes: Any) -> dict[str, Any]:
    return {
        "interview_id": "iv-1",
        "user_id": "user-1",
        "speech": {
            "word_count": 420,
            "wpm": 143.6,
            "filler_total": 7,
            "fillers_per_minute": 2.34,
        },
        "content": '{"questions": ["Tell me about the kubernetes migration"]}',
        "scores": {"speech": 80.0},
        "overall_score": 72.4,
        "recommendations": ["You said 'stakeholders' a lot."],
        "preliminary": False,
        "warnings": [],
        "completed_at": NOW,
        "run": 2,
        **changes,
    }


def state(**changes: Any) -> dict[str, Any]:
    return {
        "interview_id": "iv-1",
        "user_id": "user-1",
        "status": "FAILED",
        "error_reason": "The recording has no sound we could recognise as speech.",
        "updated_at": NOW,
        "run": 1,
        **changes,
    }


def test_the_id_depends_on_interview_run_and_kind_only() -> None:
    first = notification_id("iv-1", 0, ANALYSIS_COMPLETED)
    assert first == notification_id("iv-1", 0, ANALYSIS_COMPLETED)
    others = {
        notification_id("iv-2", 0, ANALYSIS_COMPLETED),
        notification_id("iv-1", 1, ANALYSIS_COMPLETED),
        notification_id("iv-1", 0, ANALYSIS_FAILED),
    }
    assert first not in others and len(others) == 3


def test_the_link_goes_to_the_interview_in_the_web_app() -> None:
    assert interview_url(WEB, "iv-1") == "http://app.example/review/iv-1"
    assert interview_url("http://app.example", "a/b") == "http://app.example/review/a%2Fb"


def test_a_completed_analysis_tells_the_score_and_headline_figures() -> None:
    note = for_completed_analysis(analysis(), WEB)
    assert note["kind"] == ANALYSIS_COMPLETED
    assert note["notification_id"] == notification_id("iv-1", 2, ANALYSIS_COMPLETED)
    assert note["run"] == 2 and note["user_id"] == "user-1"
    assert note["overall_score"] == 72.4
    assert "72/100" in note["title"] and "72/100" in note["body"]
    assert "144 words per minute" in note["body"]
    assert "7 filler words (2.3 per minute)" in note["body"]
    assert note["url"] == "http://app.example/review/iv-1"
    assert note["created_at"] == NOW
    assert not any(word in (note["title"] + note["body"]).lower() for word in TRANSCRIPT_WORDS)


def test_figures_read_well_for_one_filler_none_and_no_speech() -> None:
    one = for_completed_analysis(analysis(speech={"word_count": 5, "wpm": 100.0, "filler_total": 1}), WEB)
    assert "1 filler word (0.0 per minute)" in one["body"]
    none = for_completed_analysis(analysis(speech={"word_count": 5, "wpm": 100.0, "filler_total": 0}), WEB)
    assert "no filler words" in none["body"]
    silent = for_completed_analysis(analysis(speech={"word_count": 0, "wpm": 0.0}), WEB)
    assert "words per minute" not in silent["body"]


def test_a_preliminary_analysis_says_so_and_run_defaults_to_zero() -> None:
    old = analysis(preliminary=True)
    del old["run"]
    note = for_completed_analysis(old, WEB)
    assert "preliminary" in note["body"] and note["run"] == 0


def test_a_failure_tells_the_reason_in_words() -> None:
    note = for_failed_state(state(), WEB)
    assert note is not None
    assert note["kind"] == ANALYSIS_FAILED
    assert note["notification_id"] == notification_id("iv-1", 1, ANALYSIS_FAILED)
    assert "no sound we could recognise" in note["body"]
    assert note["overall_score"] is None and note["url"].endswith("/review/iv-1")


def test_a_failure_without_a_reason_still_says_what_happened() -> None:
    note = for_failed_state(state(error_reason=None), WEB)
    assert note is not None and notifications.FAILED_FALLBACK_REASON in note["body"]


def test_only_a_failed_state_makes_a_notification() -> None:
    for status in ("UPLOADED", "TRANSCRIBING", "ANALYZING", "COMPLETED"):
        assert for_failed_state(state(status=status), WEB) is None


def test_one_notification_per_run() -> None:
    note = for_completed_analysis(analysis(run=2), WEB)
    assert is_new_run(None, note)
    assert is_new_run(1, note)
    assert not is_new_run(2, note)
    assert not is_new_run(3, note)


def test_the_email_has_the_summary_and_the_link_in_text_and_html() -> None:
    note = for_completed_analysis(analysis(), WEB)
    email = email_of(note)
    assert email.subject == note["title"]
    for part in (email.text, email.html):
        assert "72/100" in part and "http://app.example/review/iv-1" in part
        assert not any(word in part.lower() for word in TRANSCRIPT_WORDS)
    assert '<a href="http://app.example/review/iv-1">' in email.html


def test_the_html_email_escapes_what_it_quotes() -> None:
    note = for_failed_state(state(error_reason="<b>bad</b> & worse"), WEB)
    assert note is not None
    email = email_of(note)
    assert "&lt;b&gt;bad&lt;/b&gt; &amp; worse" in email.html
    assert "<b>bad</b> & worse" in email.text


def test_an_email_without_a_link_has_none() -> None:
    note = {**for_failed_state(state(), WEB), "url": None}  # type: ignore[dict-item]
    email = email_of(note)
    assert "Open it" not in email.text and "<a " not in email.html


def test_only_recent_news_is_told() -> None:
    note = for_completed_analysis(analysis(), WEB)
    assert is_recent(note, NOW + timedelta(hours=23), 24 * 3600)
    assert not is_recent(note, NOW + timedelta(hours=25), 24 * 3600)
