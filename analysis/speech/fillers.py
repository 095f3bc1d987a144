"""Filler words in a list of timed ASR words: which kind, how many, and when.

Kinds: the hesitation sounds um, uh, er, ah, hmm (spelling variants folded: "Ummm" is um,
"erm" is er, "mm" is hmm) and the discourse fillers like, you know, I mean, basically,
actually, sort of, kind of ("kinda"/"sorta" included). Hesitations are always fillers.
The others are ordinary words most of the time, so each has a rule that looks at its
neighbours and at the punctuation around it (see :mod:`analysis.speech.filler_context`).

When a rule is unsure it does not count the word: telling someone they said a filler
they did not say costs more trust than missing one. The rules, first match wins:

like
  1. "like I said / mentioned / say" means "as": not a filler.
  2. After a subject, auxiliary or adverb ("I like", "would like", "I'd like", "really
     like"): the verb, not a filler.
  3. After a head that takes "like" as a preposition ("looks like", "feel like",
     "something like", "things like"): not a filler.
  4. Followed by a break ("like, I think", "was, like, really"): a filler, except the
     quotative "I was like, wow", which reports speech.
  5. Before an intensifier, hedge, hesitation or number ("like really hard", "like five
     people"): a filler.
  6. Before a determiner ("like a nightmare", "Like most people") or a capitalised name
     ("languages like Python"): a preposition, not a filler.
  7. Otherwise a filler only when it opens a clause, after a break or "and/but/so" ("and
     like we", "Like we just shipped it"); inside one it means "as if" ("it was like we
     were starting over").
you know
  Not after "do/did/if/as/what..." ("do you know the answer"). A filler when a break
  follows it ("it's, you know, hard", "You know, I think"), or when it opens a clause and
  a subject, hedge or conjunction follows ("and you know like"). Otherwise ("you know the
  drill") not.
I mean
  Only when it opens a clause (after a break, or after "and/but/so"), and then only when
  followed by a break or by a subject, hedge or conjunction ("I mean, it worked", "but I
  mean it was fine"); "I mean it." and "what I mean is" are not fillers.
kind of, sort of
  Not after a determiner or question word ("what kind of database", "this sort of
  thing", "a weird kind of bug"): the noun. Otherwise the hedge ("I kind of led it").
actually, basically
  Fillers only as discourse markers: when they open a clause ("Basically we rewrote it",
  "so actually") or punctuation follows them ("It worked, actually."). Inside a clause
  ("I actually led the team") they carry meaning and are not counted.

A filler split across two segments ("you" | "know,") is not seen: each segment is read on
its own, and a segment is taken to open a clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analysis.speech.filler_context import Sentence, hesitation_kind, tokenize

HESITATION_KINDS = ("um", "uh", "er", "ah", "hmm")
DISCOURSE_KINDS = ("like", "you know", "I mean", "basically", "actually", "sort of", "kind of")
FILLER_KINDS = HESITATION_KINDS + DISCOURSE_KINDS

CONJUNCTIONS = frozenset({"and", "but", "so", "or", "because", "cause", "then", "yeah", "well"})
SUBJECTS = frozenset({
    "i", "we", "they", "he", "she", "you", "it", "there", "everyone", "everybody", "nobody",
    "i'm", "i've", "i'd", "i'll", "we're", "we've", "we'd", "they're", "they've", "he's", "she's",
    "you're", "it's", "there's", "that's",
})  # fmt: skip
DETERMINERS = frozenset({
    "a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "this", "that", "these",
    "those", "some", "any", "every", "each", "most", "many", "all", "no", "another", "other",
})  # fmt: skip
HEDGES = frozenset({
    "really", "so", "very", "totally", "super", "just", "literally", "basically", "actually",
    "kind", "sort", "kinda", "sorta", "pretty", "completely", "honestly", "maybe", "about",
    "around", "almost", "like",
})  # fmt: skip
NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "half",
})  # fmt: skip

# "like" is the verb after these ("I like", "would like", "don't really like").
LIKE_VERB_CONTEXT = frozenset({
    "i", "you", "we", "they", "people", "who", "to", "not", "do", "does", "did", "don't",
    "doesn't", "didn't", "would", "wouldn't", "will", "won't", "could", "should", "might",
    "may", "can", "can't", "must", "i'd", "you'd", "we'd", "they'd", "he'd", "she'd", "i'll",
    "you'll", "we'll", "they'll", "really", "also", "still", "always", "never", "genuinely",
    "definitely", "actually", "both",
})  # fmt: skip
# "like" is the preposition after these ("looks like a bug", "something like that").
LIKE_PREPOSITION_HEADS = frozenset({
    "look", "looks", "looked", "looking", "seem", "seems", "seemed", "sound", "sounds",
    "sounded", "feel", "feels", "felt", "feeling", "act", "acts", "acted", "something",
    "anything", "nothing", "everything", "someone", "somebody", "more", "less", "much",
    "exactly", "things", "stuff", "ones", "thing",
})  # fmt: skip
SAY_VERBS = frozenset({"said", "say", "mentioned", "told", "explained", "wrote"})
BE_FORMS = frozenset({"was", "were", "is", "am", "are", "be", "been"})
QUOTATIVE_SUBJECTS = frozenset({"i", "he", "she", "they", "we", "you", "everyone"})
QUOTATIVE_SUBJECT_BE = frozenset({"i'm", "he's", "she's", "they're", "we're", "you're"})
# "you know" is the verb after these ("do you know", "as you know", "if you know").
YOU_KNOW_VERB_CONTEXT = frozenset({
    "do", "did", "does", "don't", "didn't", "if", "whether", "as", "what", "how", "would",
    "will", "can", "could", "should", "might", "that", "because", "unless", "when", "once",
})  # fmt: skip
# "kind of"/"sort of" is the noun after these ("what kind of", "this sort of").
KIND_NOUN_CONTEXT = DETERMINERS | frozenset({
    "what", "which", "whatever", "same", "different", "right", "wrong", "new", "certain",
    "particular", "special", "similar", "one", "first", "only", "best", "worst", "whole",
})  # fmt: skip

# After "you know" / "I mean" these carry the sentence on, so the phrase was only filling.
CLAUSE_CONTINUATIONS = SUBJECTS | HEDGES | CONJUNCTIONS

_NUMBER = re.compile(r"\d[\d.,%]*")


@dataclass(frozen=True)
class FillerSpan:
    """A filler found at word positions ``first_word..last_word`` (inclusive)."""

    kind: str
    first_word: int
    last_word: int


@dataclass(frozen=True)
class Filler:
    """A filler with its time in the recording, for recommendations that cite the moment."""

    kind: str
    first_word: int
    last_word: int
    start: float
    end: float

    def to_event(self) -> dict[str, Any]:
        """The ``FillerEvent`` record of ``segment_metrics.avsc``."""
        return {"kind": self.kind, "start": self.start, "end": self.end}


def _is_number(word: str | None) -> bool:
    return word is not None and (word in NUMBER_WORDS or _NUMBER.fullmatch(word) is not None)


def _opens_clause(sentence: Sentence, index: int) -> bool:
    return sentence.before(index) in CONJUNCTIONS or sentence.tokens[index].break_before


def _like_is_filler(sentence: Sentence, index: int) -> bool:
    previous, following = sentence.before(index), sentence.after(index)
    if following == "i" and sentence.after(index, 2) in SAY_VERBS:
        return False
    if previous in LIKE_VERB_CONTEXT or previous in LIKE_PREPOSITION_HEADS:
        return False
    if sentence.tokens[index].break_after:
        quotative = previous in QUOTATIVE_SUBJECT_BE or (
            previous in BE_FORMS and sentence.before(index, 2) in QUOTATIVE_SUBJECTS
        )
        return not quotative
    if following in HEDGES or _is_number(following):
        return True
    if following in DETERMINERS or (sentence.capitalised_after(index) and following not in SUBJECTS):
        return False
    return _opens_clause(sentence, index)


def _you_know_is_filler(sentence: Sentence, you: int) -> bool:
    know = you + 1
    if sentence.before(you) in YOU_KNOW_VERB_CONTEXT:
        return False
    if sentence.tokens[know].break_after:
        return True
    following = sentence.after(know)
    return _opens_clause(sentence, you) and following in CLAUSE_CONTINUATIONS


def _i_mean_is_filler(sentence: Sentence, pronoun: int) -> bool:
    mean = pronoun + 1
    if not _opens_clause(sentence, pronoun):
        return False
    if sentence.tokens[mean].break_after:
        return True
    following = sentence.after(mean)
    if following in {"it", "that"} and sentence.after(mean, 2) is None:
        return False  # "I mean it." is a promise, not a filler
    return following in CLAUSE_CONTINUATIONS


def _hedge_is_filler(sentence: Sentence, index: int) -> bool:
    return sentence.before(index) not in KIND_NOUN_CONTEXT and sentence.before(index, 2) not in {"a", "an"}


def _discourse_adverb_is_filler(sentence: Sentence, index: int) -> bool:
    return _opens_clause(sentence, index) or sentence.tokens[index].break_after


def _match(sentence: Sentence, index: int) -> tuple[str, int] | None:
    """The filler kind starting at ``index`` and how many words it spans, or None."""
    core = sentence.core(index)
    hesitation = hesitation_kind(core)
    if hesitation is not None:
        return hesitation, 1
    following = sentence.after(index)
    if core == "you" and following == "know" and _you_know_is_filler(sentence, index):
        return "you know", 2
    if core == "i" and following == "mean" and _i_mean_is_filler(sentence, index):
        return "I mean", 2
    if core in {"kind", "sort"} and following == "of" and _hedge_is_filler(sentence, index):
        return f"{core} of", 2
    if core in {"kinda", "sorta"} and _hedge_is_filler(sentence, index):
        return f"{core[:-1]} of", 1
    if core == "like" and _like_is_filler(sentence, index):
        return "like", 1
    if core in {"actually", "basically"} and _discourse_adverb_is_filler(sentence, index):
        return core, 1
    return None


# The words a non-hesitation filler can start with; any other word is passed over without
# running the rules (most words of a segment are not one of these).
_FILLER_STARTS = frozenset({"you", "i", "kind", "sort", "kinda", "sorta", "like", "actually", "basically"})


@lru_cache(maxsize=65_536)
def _may_start_filler(core: str) -> bool:
    return core in _FILLER_STARTS or hesitation_kind(core) is not None


def _spans(words: Sequence[str]) -> list[tuple[str, int, int]]:
    """(kind, first word, last word) of each filler, left to right; a word belongs to at
    most one filler."""
    tokens = tokenize(words)
    sentence = Sentence(tokens)
    spans: list[tuple[str, int, int]] = []
    first_free = 0  # the words before it belong to a filler found already
    for index, token in enumerate(tokens):
        core = token.core
        if index < first_free or not core or not _may_start_filler(core):
            continue
        found = _match(sentence, index)
        if found is not None:
            kind, length = found
            spans.append((kind, index, index + length - 1))
            first_free = index + length
    return spans


def filler_spans(words: Sequence[str]) -> list[FillerSpan]:
    """Fillers in ASR word strings, left to right; a word belongs to at most one filler."""
    return [FillerSpan(kind, first, last) for kind, first, last in _spans(words)]


def find_fillers(words: Sequence[Mapping[str, Any]]) -> list[Filler]:
    """Fillers in timed words (``Word`` records of ``transcript_segment.avsc``)."""
    return [
        Filler(kind, first, last, float(words[first]["start"]), float(words[last]["end"]))
        for kind, first, last in _spans([str(word["word"]) for word in words])
    ]


def filler_events(words: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``[filler.to_event() for filler in find_fillers(words)]`` without the objects in
    between: the speech agent's hot path wants only the records."""
    return [
        {"kind": kind, "start": float(words[first]["start"]), "end": float(words[last]["end"])}
        for kind, first, last in _spans([str(word["word"]) for word in words])
    ]


def count_kinds(kinds: Iterable[str]) -> dict[str, int]:
    """Filler kind -> count, in order of first occurrence; kinds that never occur are left out."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def count_by_kind(fillers: Iterable[Filler | FillerSpan]) -> dict[str, int]:
    """:func:`count_kinds` of found fillers."""
    return count_kinds(filler.kind for filler in fillers)
