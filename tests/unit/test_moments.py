"""Moments read the same wherever an analysis cites them."""

from __future__ import annotations

import pytest

from analysis.moments import clock


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
