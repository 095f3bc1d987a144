"""The speech score and the recommendations a speaker reads."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.speech.score import (
    densest_stretch,
    filler_score,
    pace_score,
    pause_score,
    score_speech,
    speech_recommendations,
)


def section(**overrides: Any) -> dict[str, Any]:
    """A good ten-minute answer: 145 wpm over 8 minutes of speech, few fillers and pauses."""
    base: dict[str, Any] = {
        "duration_seconds": 600.0,
        "speaking_seconds": 480.0,
        "word_count": 1160,
        "wpm": 145.0,
        "filler_words": {"um": 4},
        "filler_total": 4,
        "fillers_per_minute": 0.5,
        "pause_count": 20,
        "long_pause_count": 1,
        "longest_pause_seconds": 2.4,
        "clarity_score": 88.0,
    }
    return {**base, **overrides}


def ums(times: list[float], kind: str = "um") -> list[dict[str, Any]]:
    return [{"kind": kind, "start": time, "end": time + 0.3} for time in times]


@pytest.mark.parametrize("wpm", [130, 145, 160])
def test_pace_in_the_ideal_range_scores_full(wpm: float) -> None:
    assert pace_score(wpm) == 100.0


@pytest.mark.parametrize(
    ("slower", "faster"), [(60, 80), (80, 100), (100, 120), (120, 129), (200, 180), (240, 220), (175, 165)]
)
def test_pace_score_falls_the_further_from_the_ideal(slower: float, faster: float) -> None:
    assert pace_score(slower) < pace_score(faster)


def test_pace_below_100_or_above_180_is_weak() -> None:
    assert pace_score(95) < 60 and pace_score(190) < 60
    assert pace_score(40) == 0.0 and pace_score(300) == 0.0


@pytest.mark.parametrize(("more", "fewer"), [(2, 1.5), (4, 3), (6, 5), (9, 8), (12, 10)])
def test_more_fillers_per_minute_score_lower(more: float, fewer: float) -> None:
    assert filler_score(more) < filler_score(fewer)


def test_one_filler_a_minute_is_excellent_and_eight_is_poor() -> None:
    assert filler_score(0) == filler_score(1) == 100.0
    assert filler_score(8) <= 15.0
    assert filler_score(20) == 0.0


@pytest.mark.parametrize(("more", "fewer"), [(0.5, 0.25), (1.0, 0.5), (2.0, 1.5), (4.0, 3.0)])
def test_more_long_pauses_per_minute_score_lower(more: float, fewer: float) -> None:
    assert pause_score(more) < pause_score(fewer)


def test_breakdown_has_every_part_and_clarity_passes_through() -> None:
    _, breakdown = score_speech(section(clarity_score=73.4))
    assert set(breakdown) == {"pace", "fillers", "pauses", "clarity"}
    assert breakdown["clarity"] == 73.4
    assert all(0.0 <= score <= 100.0 for score in breakdown.values())


def test_long_pauses_are_rated_per_minute_of_speech() -> None:
    _, breakdown = score_speech(section(long_pause_count=8, speaking_seconds=240.0))
    assert breakdown["pauses"] == pause_score(2.0)


def test_overall_score_is_the_weighted_mean_of_the_parts() -> None:
    overall, breakdown = score_speech(section(wpm=110.0, fillers_per_minute=4.0, clarity_score=70.0))
    weighted = 0.3 * breakdown["pace"] + 0.35 * breakdown["fillers"] + 0.15 * breakdown["pauses"]
    assert overall == pytest.approx(weighted + 0.2 * breakdown["clarity"], abs=0.1)


def test_a_good_answer_scores_high_and_a_worse_one_lower() -> None:
    good, _ = score_speech(section())
    worse, _ = score_speech(section(fillers_per_minute=6.0))
    assert good >= 90.0
    assert worse < good


def test_nothing_said_scores_zero() -> None:
    overall, breakdown = score_speech(section(word_count=0, wpm=0.0, speaking_seconds=0.0, clarity_score=0.0))
    assert overall == 0.0
    assert breakdown == {"pace": 0.0, "fillers": 0.0, "pauses": 0.0, "clarity": 0.0}


def test_a_good_answer_gets_no_recommendation() -> None:
    assert speech_recommendations(section(), ums([30, 200, 400, 470]), []) == []


def test_frequent_ums_are_cited_with_count_rate_and_densest_stretch() -> None:
    events = ums([10, 60, 130.4, 135, 141, 150, 158.6, 300, 420, 455, 470, 500, 530, 560])
    [recommendation] = speech_recommendations(
        section(filler_words={"um": 14}, filler_total=14, fillers_per_minute=3.1, speaking_seconds=271.0),
        events,
        [],
    )
    assert "\u201cum\u201d 14 times" in recommendation
    assert "3.1 per minute" in recommendation
    assert "2:10\u20132:38" in recommendation
    assert "5 fillers" in recommendation
    assert "Pause silently" in recommendation


def test_mixed_fillers_name_the_total_and_the_most_frequent_kind() -> None:
    events = ums([100, 200, 300]) + ums([400, 500, 600, 650], kind="like")
    [recommendation] = speech_recommendations(
        section(filler_words={"um": 3, "like": 4}, filler_total=7, fillers_per_minute=4.2), events, []
    )
    assert "7 filler words (4.2 per minute" in recommendation
    assert "most often \u201clike\u201d (4 times)" in recommendation
    assert "densest" not in recommendation  # no 30 s holds three of them


def test_a_tie_names_every_most_frequent_kind_hesitations_first() -> None:
    [recommendation] = speech_recommendations(
        section(filler_words={"like": 5, "uh": 5, "I mean": 2}, filler_total=12, fillers_per_minute=4.0),
        [],
        [],
    )
    assert "most often \u201cuh\u201d and \u201clike\u201d (5 times each)" in recommendation
    assert "Pause silently" in recommendation


def test_kinds_said_once_each_are_not_called_most_frequent() -> None:
    [recommendation] = speech_recommendations(
        section(filler_words={"um": 1, "like": 1, "basically": 1}, filler_total=3, fillers_per_minute=4.0),
        [],
        [],
    )
    assert "You used 3 filler words (4.0 per minute of speech)." in recommendation
    assert "most often" not in recommendation


def test_hedges_get_advice_to_say_it_directly() -> None:
    [recommendation] = speech_recommendations(
        section(filler_words={"kind of": 30}, filler_total=30, fillers_per_minute=3.8), [], []
    )
    assert "I kind of led it" in recommendation


@pytest.mark.parametrize(("wpm", "word"), [(95.0, "slower"), (192.0, "faster")])
def test_pace_outside_the_ideal_range_is_cited(wpm: float, word: str) -> None:
    [recommendation] = speech_recommendations(section(wpm=wpm), [], [])
    assert f"{wpm:.0f} words per minute, {word} than the 130\u2013160" in recommendation


def test_pace_just_outside_the_ideal_range_is_still_good_enough() -> None:
    assert speech_recommendations(section(wpm=165.0), [], []) == []


def test_frequent_long_pauses_cite_the_longest_and_when_it_was() -> None:
    pauses = [
        {"start": 72.0, "end": 74.5, "seconds": 2.5},
        {"start": 271.3, "end": 277.5, "seconds": 6.2},
        {"start": 402.0, "end": 405.0, "seconds": 3.0},
    ]
    [recommendation] = speech_recommendations(
        section(long_pause_count=12, longest_pause_seconds=6.2, speaking_seconds=360.0), [], pauses
    )
    assert "12 times (2.0 per minute of speech)" in recommendation
    assert "the longest was 6.2 s at 4:31" in recommendation


def test_low_clarity_is_cited() -> None:
    [recommendation] = speech_recommendations(section(clarity_score=55.4), [], [])
    assert "Clarity was 55/100" in recommendation


def test_the_weakest_part_comes_first() -> None:
    recommendations = speech_recommendations(
        section(wpm=205.0, filler_words={"uh": 40}, filler_total=40, fillers_per_minute=5.0), [], []
    )
    assert ["words per minute" in text for text in recommendations] == [True, False]


def test_no_speech_says_to_check_the_recording() -> None:
    [recommendation] = speech_recommendations(section(word_count=0, wpm=0.0, speaking_seconds=0.0), [], [])
    assert "No speech was recognised" in recommendation


def test_the_densest_stretch_is_the_30_seconds_with_most_fillers() -> None:
    events = ums([5, 50, 51, 52, 90, 95, 100, 105, 118])
    assert densest_stretch(events) == (90.0, pytest.approx(118.3), 5)


def test_scattered_fillers_have_no_dense_stretch() -> None:
    assert densest_stretch(ums([0, 40, 80, 120])) is None
