"""How ASR words become tokens the filler rules can read."""

from __future__ import annotations

from analysis.speech.filler_context import Sentence, hesitation_kind, tokenize


def test_core_drops_edge_punctuation_and_capitals_but_keeps_contractions() -> None:
    tokens = tokenize(["\u201cWell,", "I\u2019m", "(sure)", "Mm-hmm."])
    assert [token.core for token in tokens] == ["well", "i'm", "sure", "mm-hmm"]
    assert [token.capitalised for token in tokens] == [True, True, False, True]


def test_punctuation_sets_words_apart_on_both_sides() -> None:
    tokens = tokenize(["it", "was,", "like", "\u2014really", "hard"])
    assert [(token.break_before, token.break_after) for token in tokens] == [
        (True, False),
        (False, True),
        (True, True),
        (True, False),
        (False, True),
    ]


def test_a_hesitation_or_a_lone_dash_is_a_break_for_its_neighbours() -> None:
    tokens = tokenize(["and", "um", "like", "-", "we"])
    assert tokens[0].break_after and tokens[2].break_before
    assert tokens[2].break_after and tokens[4].break_before


def test_look_around_stops_at_a_break() -> None:
    sentence = Sentence(tokenize(["I", "would", "like,", "you", "know"]))
    assert sentence.before(2) == "would"
    assert sentence.before(2, 2) == "i"
    assert sentence.after(2) is None
    assert sentence.before(3) is None
    assert sentence.after(3) == "know"


def test_hesitation_kinds_are_whole_words_only() -> None:
    assert [hesitation_kind(word) for word in ["ummm", "uhh", "erm", "aah", "hmmm", "mm"]] == [
        "um",
        "uh",
        "er",
        "ah",
        "hmm",
        "hmm",
    ]
    assert [hesitation_kind(word) for word in ["umbrella", "uh-huh", "m", "her", "oh"]] == [None] * 5
