"""Sentiment over time, with fillers kept from reading as feelings."""

from __future__ import annotations

import pytest

from analysis.content.sentences import segment_from_text
from analysis.content.sentiment import segment_sentiment, sentiment_timeline


def test_filler_like_does_not_make_a_neutral_segment_positive() -> None:
    assert segment_sentiment(segment_from_text("So, like, we moved the tables, like, one by one.")) == 0.0


def test_the_timeline_has_one_point_per_segment_with_its_times() -> None:
    segments = [
        segment_from_text("I loved working with that team.", start=0.0),
        segment_from_text("The outage was awful and stressful.", start=5.0),
    ]
    timeline = sentiment_timeline(segments)
    assert [point["start"] for point in timeline] == [0.0, 5.0]
    assert [point["end"] for point in timeline] == pytest.approx([2.4, 7.4])
    assert timeline[0]["sentiment"] > 0.3 > -0.3 > timeline[1]["sentiment"]


def test_a_segment_without_words_is_read_from_its_text() -> None:
    assert segment_sentiment({"start": 0.0, "end": 1.0, "text": "Great!", "words": []}) > 0.5
