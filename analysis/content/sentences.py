"""Timed sentences: the unit every content analyzer reads.

A transcript arrives as segments of timed words (``transcript_segment.avsc``). Questions,
STAR parts and hedges are sentence-sized ideas, and every finding must cite the moment it
comes from, so the words are regrouped into sentences that keep their times and speaker.

A sentence ends at the ASR's end punctuation (. ? !), at the end of a segment, or at a
silence of :data:`SENTENCE_PAUSE_SECONDS` when the engine writes no punctuation at all
(the offline engines often do not).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: A silence this long inside a segment closes a sentence even without punctuation.
SENTENCE_PAUSE_SECONDS = 1.0

_EDGE_PUNCTUATION = re.compile(r"^[^\w']+|[^\w']+$")
_SENTENCE_END = re.compile(r"[.?!]+[\"')\]]*$")


def word_core(word: str) -> str:
    """Lower case, edge punctuation stripped, curly apostrophes straightened ("I'm," -> "i'm")."""
    return _EDGE_PUNCTUATION.sub("", word.replace("\u2019", "'").lower()).strip("'")


@dataclass(frozen=True)
class TimedWord:
    text: str
    """As the ASR wrote it, punctuation included."""
    core: str
    start: float
    end: float


@dataclass(frozen=True)
class TimedSentence:
    words: tuple[TimedWord, ...]
    speaker: str | None
    pause_before: float
    """Silence in seconds between the previous sentence's last word and this one's first."""

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def cores(self) -> list[str]:
        """The lower-case words, punctuation-only tokens (a dash) left out."""
        return [word.core for word in self.words if word.core]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def ends_with_question_mark(self) -> bool:
        return self.words[-1].text.rstrip("\"')]").endswith("?")


def _timed_words(segment: Mapping[str, Any]) -> list[TimedWord]:
    words = segment.get("words") or []
    if words:
        return [
            TimedWord(
                str(word["word"]), word_core(str(word["word"])), float(word["start"]), float(word["end"])
            )
            for word in words
        ]
    # A segment without word times: spread its text evenly over the segment's span.
    texts = str(segment.get("text", "")).split()
    start, end = float(segment["start"]), float(segment["end"])
    step = (end - start) / max(len(texts), 1)
    return [
        TimedWord(text, word_core(text), start + index * step, start + (index + 1) * step)
        for index, text in enumerate(texts)
    ]


def _word_groups(words: Sequence[TimedWord]) -> list[list[TimedWord]]:
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for word in words:
        if current and word.start - current[-1].end >= SENTENCE_PAUSE_SECONDS:
            groups.append(current)
            current = []
        current.append(word)
        if _SENTENCE_END.search(word.text):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def split_sentences(segments: Sequence[Mapping[str, Any]]) -> list[TimedSentence]:
    """The transcript's sentences in order, each with its times, speaker and the pause before it."""
    sentences: list[TimedSentence] = []
    previous_end = 0.0
    for segment in segments:
        for group in _word_groups(_timed_words(segment)):
            pause_before = max(0.0, group[0].start - previous_end)
            sentences.append(TimedSentence(tuple(group), segment.get("speaker"), pause_before))
            previous_end = group[-1].end
    return sentences


def segment_from_text(
    text: str, start: float = 0.0, seconds_per_word: float = 0.4, speaker: str | None = None
) -> dict[str, Any]:
    """A transcript segment for typed text (practice chat, tests): words timed at an even pace."""
    words = [
        {
            "word": token,
            "start": start + index * seconds_per_word,
            "end": start + (index + 1) * seconds_per_word,
            "confidence": 1.0,
        }
        for index, token in enumerate(text.split())
    ]
    end = words[-1]["end"] if words else start
    return {"start": start, "end": end, "text": text, "words": words, "speaker": speaker}
