"""How sure and how keen an answer sounds: hedges, self-corrections, fillers, energy.

confidence (0-100) starts at 100 and loses points per 100 words of answer:
  - hedges ("I think", "maybe", "I guess", "sort of", "kind of", "probably", "I'm not
    sure", "I don't know", "perhaps", "I believe", "I suppose"): 6 each. "I believe" is
    counted as a hedge: in an interview answer it softens a claim far more often than it
    states a conviction.
  - self-corrections (a word said twice in a row, "I mean", a restart across a dash "we —
    I", "sorry," or "or rather" mid-answer): 5 each.
  - other fillers (:func:`analysis.speech.fillers.find_fillers`; "sort of", "kind of" and "I mean"
    are already counted above, so not twice): 3 each.
Rates, not counts, so a long answer is not punished for its length.

enthusiasm (0-100): 30 for a flat answer, plus 6 per energetic word ("excited", "love",
"proud", "fantastic"...) per 100 words and 40 per exclamation per sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from analysis.content.sentences import TimedSentence, TimedWord
from analysis.speech.fillers import find_fillers

HEDGE_PENALTY, CORRECTION_PENALTY, FILLER_PENALTY = 6.0, 5.0, 3.0
HEDGES: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "i'm not sure", "i am not sure", "i'm not really sure", "not sure", "i don't know",
        "i think", "i guess", "i believe", "i suppose", "sort of", "kind of", "kinda", "sorta",
        "maybe", "probably", "perhaps", "possibly", "somewhat",
    )
)  # fmt: skip
# After these, "kind of"/"sort of" is the noun ("what kind of database").
NOUN_CONTEXT = frozenset({"what", "which", "this", "that", "a", "the", "some", "any", "same", "one"})
FILLERS_COUNTED_ELSEWHERE = frozenset({"sort of", "kind of", "I mean"})
# Doubled on purpose in ordinary speech ("that that", "had had").
LEGITIMATE_REPEATS = frozenset({"that", "had", "very", "really", "no", "bye", "so"})
SUBJECT_PRONOUNS = frozenset({"i", "we", "they", "he", "she", "it", "you"})
ENERGETIC_WORDS = frozenset(
    """
    excited exciting excite love loved loving passionate passion enjoy enjoyed thrilled
    fantastic amazing great proud fun eager keen delighted awesome brilliant inspiring
    motivated motivating genuinely incredible wonderful energising energizing happy
""".split()
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ConfidenceAnalysis:
    score: int
    hedges: list[Finding]
    self_corrections: list[Finding]
    filler_count: int
    word_count: int


@dataclass(frozen=True)
class EnthusiasmAnalysis:
    score: int
    energetic_words: list[Finding]
    exclamations: int


def _finding(kind: str, words: Sequence[TimedWord], first: int, last: int) -> Finding:
    text = " ".join(word.text for word in words[first : last + 1])
    return Finding(kind, text, words[first].start, words[last].end)


def find_hedges(words: Sequence[TimedWord]) -> list[Finding]:
    """Hedging phrases, left to right, each word in at most one."""
    cores = [word.core for word in words]
    found: list[Finding] = []
    index = 0
    while index < len(cores):
        for hedge in HEDGES:
            if tuple(cores[index : index + len(hedge)]) != hedge:
                continue
            if hedge[0] in {"kind", "sort"} and index > 0 and cores[index - 1] in NOUN_CONTEXT:
                continue
            found.append(_finding("hedge", words, index, index + len(hedge) - 1))
            index += len(hedge) - 1
            break
        index += 1
    return found


def find_self_corrections(words: Sequence[TimedWord]) -> list[Finding]:
    """Repeated words, "I mean", restarts across a dash, "sorry" and "or rather" mid-answer."""
    found: list[Finding] = []
    spoken = [(index, word) for index, word in enumerate(words) if word.core]
    for (index, word), (next_index, following) in pairwise(spoken):
        dash_between = word.text.endswith(("-", "\u2014", "\u2013")) or next_index > index + 1
        if word.core == following.core and word.core not in LEGITIMATE_REPEATS and not dash_between:
            found.append(_finding("repeated word", words, index, next_index))
        elif dash_between and word.core in SUBJECT_PRONOUNS and following.core in SUBJECT_PRONOUNS:
            found.append(_finding("restart", words, index, next_index))
        elif word.core == "sorry" and index > 0:
            found.append(_finding("restart", words, index, index))
        elif (word.core, following.core) == ("or", "rather"):
            found.append(_finding("restart", words, index, next_index))
    mappings = [{"word": word.text, "start": word.start, "end": word.end} for word in words]
    found += [
        Finding("I mean", "I mean", filler.start, filler.end)
        for filler in find_fillers(mappings)
        if filler.kind == "I mean"
    ]
    return sorted(found, key=lambda finding: finding.start)


def _words(sentences: Sequence[TimedSentence]) -> list[TimedWord]:
    return [word for sentence in sentences for word in sentence.words]


def analyze_confidence(sentences: Sequence[TimedSentence]) -> ConfidenceAnalysis:
    """Confidence of one answer, with the hedges and self-corrections it is built from."""
    hedges: list[Finding] = []
    corrections: list[Finding] = []
    filler_count = word_count = 0
    for sentence in sentences:
        # Per sentence: the filler rules read one clause-bearing stretch at a time.
        words = list(sentence.words)
        mappings = [{"word": word.text, "start": word.start, "end": word.end} for word in words]
        hedges += find_hedges(words)
        corrections += find_self_corrections(words)
        filler_count += sum(
            1 for filler in find_fillers(mappings) if filler.kind not in FILLERS_COUNTED_ELSEWHERE
        )
        word_count += sum(1 for word in words if word.core)
    per_hundred = 100.0 / max(word_count, 1)
    penalties = per_hundred * (
        HEDGE_PENALTY * len(hedges) + CORRECTION_PENALTY * len(corrections) + FILLER_PENALTY * filler_count
    )
    score = round(max(0.0, 100.0 - penalties))
    return ConfidenceAnalysis(score, hedges, corrections, filler_count, word_count)


def analyze_enthusiasm(sentences: Sequence[TimedSentence]) -> EnthusiasmAnalysis:
    """Enthusiasm of one answer from energetic words and exclamations."""
    words = _words(sentences)
    energetic = [
        _finding("energetic", words, index, index)
        for index, word in enumerate(words)
        if word.core in ENERGETIC_WORDS
    ]
    exclamations = sum(1 for sentence in sentences if sentence.words[-1].text.endswith("!"))
    word_count = max(sum(1 for word in words if word.core), 1)
    sentence_count = max(len(sentences), 1)
    raw = 30.0 + 6.0 * 100.0 * len(energetic) / word_count + 40.0 * exclamations / sentence_count
    return EnthusiasmAnalysis(round(min(100.0, raw)), energetic, exclamations)
