"""Moments read the same wherever an analysis cites them."""

from __future__ import annotations

import pytest

from analysis.moments import cited_moments, clock, recommendation_moments, segment_at


@pytest.mark.parametrize(
    ("seconds", "written"),
    [
        (0, "0:00"),
        (9.9, "0:09"),
        (59.999, "0:59"),
        (130.7, "2:10"),
        (3599, "59:59"),
        (3725, "1:02:05"),
        (-2, "0:00"),
    ],
)
def test_a_moment_reads_as_minutes_and_seconds_and_hours_past_an_hour(seconds: float, written: str) -> None:
    assert clock(seconds) == written


@pytest.mark.parametrize("seconds", [0, 9.9, 130.7, 3599, 3725])
def test_a_moment_written_is_read_back_as_its_second(seconds: float) -> None:
    assert cited_moments(f"Your answer at {clock(seconds)} starts without context.") == [
        (clock(seconds), int(seconds))
    ]


def test_every_moment_a_text_cites_is_read_in_order_and_figures_are_not_moments() -> None:
    text = (
        "You used 7 filler words (5.9 per minute); the densest stretch was 0:19\u20130:45. "
        "2 of 3 answers never say how things turned out (at 0:07, 1:02:05). Ratio 3:1, 12:345, 1.5:30."
    )
    assert cited_moments(text) == [("0:19", 19), ("0:45", 45), ("0:07", 7), ("1:02:05", 3725)]


SEGMENTS = [
    {"seq": 0, "start": 0.4, "end": 5.2},
    {"seq": 1, "start": 6.5, "end": 12.0},
    {"seq": 2, "start": 12.3, "end": 20.9},
]


@pytest.mark.parametrize(
    ("second", "seq"),
    [
        (0, 0),  # 0:00 names the second 0..1, which segment 0 starts in
        (5, 0),
        (6, 1),  # the pause 5.2..6.5: the segment after it
        (12, 1),  # 12.0 ends segment 1 inside the second 12..13
        (13, 2),
        (40, 2),  # past the end: the last segment
    ],
)
def test_a_cited_moment_lands_on_the_segment_that_holds_it(second: int, seq: int) -> None:
    assert segment_at(second, SEGMENTS) == seq


def test_recommendations_keep_their_text_and_order_with_their_moments() -> None:
    moments = recommendation_moments(["Slow down: 180 words per minute.", "At 0:13 you hedged."], SEGMENTS)
    assert moments == [
        {"text": "Slow down: 180 words per minute.", "moments": []},
        {"text": "At 0:13 you hedged.", "moments": [{"label": "0:13", "second": 13, "seq": 2}]},
    ]
    assert recommendation_moments(["At 0:13 you hedged."], [])[0]["moments"][0]["seq"] is None
