"""The words around a candidate filler, as the filler rules need to see them.

An ASR writes words with their punctuation and capitals ("Um,", "know,", "Python").
Whether "like" or "you know" is a filler depends mostly on what sits next to it and on
whether punctuation sets it off, so each word becomes a :class:`Token` that remembers
its lower-case core, its capital and whether a break separates it from its neighbours.

A hesitation sound ("um", "uh") counts as a break for its neighbours: "and, um, like we"
reads like "and, like we", so "like" there opens a clause just as it would after a comma.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

#: Punctuation that sets a word off from the next one (comma, full stop, dash, ellipsis...).
#: A trailing hyphen marks a word the speaker broke off ("th-"), which is a break too.
BREAK_PUNCTUATION = frozenset(",;:.!?\u2026\u2014\u2013-")

_HESITATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"u+h*m+"), "um"),  # um, umm, ummm, uhm
    (re.compile(r"u+h+"), "uh"),  # uh, uhh
    (re.compile(r"e+r+m*"), "er"),  # er, err, erm
    (re.compile(r"a+h+"), "ah"),  # ah, ahh, aah
    (re.compile(r"h+m+|m{2,}"), "hmm"),  # hm, hmm, hmmm, mm, mmm
)


# Spoken vocabulary repeats a lot, so the per-word work below is cached (it runs for every
# word of every segment on the speech agent's hot path).
@lru_cache(maxsize=65_536)
def hesitation_kind(core: str) -> str | None:
    """The hesitation sound a word spells, normalised ("Ummm" -> "um"), or None.

    Only whole words match: "mm-hmm" and "uh-huh" mean yes and are not fillers.
    """
    for pattern, kind in _HESITATIONS:
        if pattern.fullmatch(core):
            return kind
    return None


class Token(NamedTuple):
    """One ASR word as the filler rules read it (a named tuple: one is made per word of
    every segment on the speech agent's hot path)."""

    core: str
    """Lower case, edge punctuation stripped, curly apostrophes straightened ("i'm")."""
    capitalised: bool
    break_before: bool
    """Punctuation or a hesitation separates this word from the one before, or it opens the segment."""
    break_after: bool


_WORD_PARTS = re.compile(r"(\W*?)(\w(?:.*\w)?)?(\W*)", flags=re.DOTALL)


@lru_cache(maxsize=65_536)
def _split(raw: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation) of one ASR word."""
    text = raw.strip().replace("\u2019", "'")
    match = _WORD_PARTS.fullmatch(text)
    if match is None or match.group(2) is None:
        return text, "", ""
    return match.group(1), match.group(2), match.group(3)


@lru_cache(maxsize=1024)
def _has_break(punctuation: str) -> bool:
    return not BREAK_PUNCTUATION.isdisjoint(punctuation)


@lru_cache(maxsize=65_536)
def _word_facts(raw: str) -> tuple[str, bool, bool, bool, bool]:
    """(core, capitalised, break in its leading punctuation, break in its trailing
    punctuation, a break for its neighbours: no core or a hesitation) of one ASR word."""
    leading, core, trailing = _split(raw)
    lower = core.lower()
    return (
        lower,
        core[:1].isupper(),
        _has_break(leading),
        _has_break(trailing),
        not core or hesitation_kind(lower) is not None,
    )


def tokenize(words: Sequence[str]) -> list[Token]:
    """One token per word, index for index, so a filler's position is the word's position."""
    facts = [_word_facts(word) for word in words]
    new_tuple = tuple.__new__  # ``Token(...)`` without its Python-level ``__new__``: one per word
    tokens = []
    last = len(facts) - 1
    previous_breaks_next = True  # the first word opens the segment
    for index, (core, capitalised, leading_break, trailing_break, neighbour_break) in enumerate(facts):
        if index == last:
            break_after = True
        else:
            following = facts[index + 1]
            break_after = trailing_break or following[2] or following[4]
        tokens.append(
            new_tuple(Token, (core, capitalised, leading_break or previous_breaks_next, break_after))
        )
        previous_breaks_next = trailing_break or neighbour_break
    return tokens


class Sentence:
    """Tokens with look-around that stops at a break: ``before(i)`` is None after a comma."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tuple(tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def core(self, index: int) -> str:
        return self.tokens[index].core

    def before(self, index: int, distance: int = 1) -> str | None:
        """The word ``distance`` places before ``index`` if no break lies between, else None."""
        for position in range(index, index - distance, -1):
            if self.tokens[position].break_before:
                return None
        return self.tokens[index - distance].core

    def after(self, index: int, distance: int = 1) -> str | None:
        """The word ``distance`` places after ``index`` if no break lies between, else None."""
        for position in range(index, index + distance):
            if self.tokens[position].break_after:
                return None
        return self.tokens[index + distance].core

    def capitalised_after(self, index: int) -> bool:
        return self.after(index) is not None and self.tokens[index + 1].capitalised
