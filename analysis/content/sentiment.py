"""Sentiment over time: one VADER compound value (-1..1) per transcript segment or answer sentence.

Fillers are taken out before scoring: VADER's lexicon reads "like" as positive, so a
nervous "like, um, like" would otherwise look cheerful.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.content.sentences import TimedSentence
from analysis.speech.fillers import find_fillers


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Loading the lexicon takes a few hundred milliseconds: once per process.
    return SentimentIntensityAnalyzer()


def text_without_fillers(words: Sequence[Mapping[str, Any]]) -> str:
    """The segment's words joined, fillers left out."""
    filler_positions = {
        position
        for filler in find_fillers(words)
        for position in range(filler.first_word, filler.last_word + 1)
    }
    return " ".join(str(word["word"]) for index, word in enumerate(words) if index not in filler_positions)


def segment_sentiment(segment: Mapping[str, Any]) -> float:
    """VADER compound of a segment with its fillers stripped; 0.0 when nothing is left."""
    words = segment.get("words") or []
    text = text_without_fillers(words) if words else str(segment.get("text", ""))
    if not text.strip():
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


def sentiment_timeline(segments: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
    """``[{start, end, sentiment}]`` in segment order, for the analysis timeline."""
    return [
        {
            "start": float(segment["start"]),
            "end": float(segment["end"]),
            "sentiment": segment_sentiment(segment),
        }
        for segment in segments
    ]


def sentence_timeline(sentences: Sequence[TimedSentence]) -> list[dict[str, float]]:
    """``[{start, end, sentiment}]`` per sentence of an answer, fillers left out."""
    return [
        {
            "start": sentence.start,
            "end": sentence.end,
            "sentiment": segment_sentiment(
                {
                    "words": [
                        {"word": word.text, "start": word.start, "end": word.end} for word in sentence.words
                    ]
                }
            ),
        }
        for sentence in sentences
    ]
