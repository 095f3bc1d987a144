"""Quotes back to moments: where in the answer's timed words a quoted phrase was said.

A language model quotes the answer to show its evidence; the quote is found again in the
transcript's words so the finding carries its time, like the offline analyzer's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from analysis.content.answer_analysis import Finding, Span
from analysis.content.sentences import TimedSentence, TimedWord, word_core

#: Extra words a quote may skip in the transcript (fillers, repeats the model left out).
GAP_ALLOWANCE = 3
#: A quote found nowhere word for word stands for the sentence holding this share of its words.
SENTENCE_FALLBACK_SHARE = 0.75


def locate_quote(quote: str, sentences: Sequence[TimedSentence]) -> Span | None:
    """Where the answer says ``quote``, as the words said and their times; None if it does not.

    Words are compared by their core (lower case, edge punctuation off), so case and
    punctuation never matter. In order of preference:

    1. the quote's words, one after another ("I rewrote the job" in "I rewrote the job.");
    2. the quote's words in order with up to :data:`GAP_ALLOWANCE` extra words between them
       (the transcript's "I, um, rewrote the job"), the tightest such stretch;
    3. a quote of three words or more whose words are mostly
       (:data:`SENTENCE_FALLBACK_SHARE`) in one sentence: that whole sentence, since the model
       paraphrased it slightly;
    4. otherwise None: the quote is dropped, as the model did not find it in the answer.
    """
    wanted = [core for core in (word_core(token) for token in quote.split()) if core]
    words = [word for sentence in sentences for word in sentence.words if word.core]
    if not wanted or not words:
        return None
    cores = [word.core for word in words]
    for first in range(len(cores)):
        if cores[first : first + len(wanted)] == wanted:
            return _span(words[first : first + len(wanted)])
    tightest: tuple[int, int] | None = None
    for first in (index for index, core in enumerate(cores) if core == wanted[0]):
        last, matched = first, 1
        for index in range(first + 1, min(len(cores), first + len(wanted) + GAP_ALLOWANCE)):
            if matched == len(wanted):
                break
            if cores[index] == wanted[matched]:
                last, matched = index, matched + 1
        if matched == len(wanted) and (tightest is None or last - first < tightest[1] - tightest[0]):
            tightest = (first, last)
    if tightest is not None:
        return _span(words[tightest[0] : tightest[1] + 1])
    if len(wanted) < 3:
        return None
    best, best_share = None, 0.0
    for sentence in sentences:
        overlap = sum((Counter(wanted) & Counter(sentence.cores)).values()) / len(wanted)
        if overlap > best_share:
            best, best_share = sentence, overlap
    if best is None or best_share < SENTENCE_FALLBACK_SHARE:
        return None
    return _span(list(best.words))


def _span(words: Sequence[TimedWord]) -> Span:
    text = " ".join(word.text for word in words)
    return Span(text=text, start=round(words[0].start, 3), end=round(words[-1].end, 3))


def spans(quotes: Sequence[str], sentences: Sequence[TimedSentence]) -> list[Span]:
    """The located quotes in the answer's order, each moment once."""
    located = (locate_quote(quote, sentences) for quote in quotes)
    found = {(span.start, span.end): span for span in located if span}
    return [found[key] for key in sorted(found)]


def findings(kind: str, quotes: Sequence[str], sentences: Sequence[TimedSentence]) -> list[Finding]:
    return [Finding(kind=kind, **span.model_dump()) for span in spans(quotes, sentences)]


CLOCK = re.compile(r"\b\d{1,3}:\d{2}\b")
