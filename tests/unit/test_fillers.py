"""Filler words: which words of a sentence count, and which look alike but do not."""

from __future__ import annotations

import pytest

from analysis.speech.fillers import count_by_kind, filler_events, filler_spans, find_fillers
from tests.unit.test_speech_batch_outputs import varied_segments


def fillers_in(sentence: str) -> list[tuple[str, str]]:
    """(kind, the words as written) of each filler, with words split as an ASR writes them."""
    words = sentence.split()
    return [
        (span.kind, " ".join(words[span.first_word : span.last_word + 1])) for span in filler_spans(words)
    ]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Um, I think so", "um"),
        ("umm", "um"),
        ("Ummm.", "um"),
        ("uhm", "um"),
        ("Uh, yes", "uh"),
        ("uhh", "uh"),
        ("er", "er"),
        ("Erm,", "er"),
        ("Ah,", "ah"),
        ("ahh", "ah"),
        ("Hmm.", "hmm"),
        ("hm", "hmm"),
        ("Mm,", "hmm"),
        ("mmm", "hmm"),
    ],
)
def test_hesitation_spellings_fold_into_their_kind(sentence: str, kind: str) -> None:
    assert fillers_in(sentence)[0][0] == kind


@pytest.mark.parametrize(
    "sentence", ["Mm-hmm, that's right", "Uh-huh.", "The umbrella", "Ahead of time", "I'm here"]
)
def test_agreement_sounds_and_words_that_contain_a_hesitation_are_not_fillers(sentence: str) -> None:
    assert fillers_in(sentence) == []


LIKE_FILLERS = [
    "it was, like, really hard",
    "Like, I think we did fine",
    "and like we shipped it anyway",
    "and I, like, check it with them every week.",
    "it was like really hard",
    "we had like five people on the team",
    "it took like 20 minutes",
    "Like we just shipped it",
    "it's like, you know",
    "but, um, like we never tested it",
    "It was like, really hard",
]
LIKE_NOT_FILLERS = [
    "I like Python",
    "it looks like a bug",
    "I would like to join your team",
    "I'd like to add one thing",
    "we don't really like long meetings",
    "Do you like it here?",
    "it seems like the right call",
    "I feel like we should test more",
    "something like that",
    "things like rest time between shifts",
    "languages like Python and Go",
    "it was like a nightmare",
    "Like most people, I prefer mornings",
    "Like I said, we shipped it",
    "it was like we were starting over",
    "I was like, wow",
    "I'm like, no way",
    "the like button",
    "people like us",
    # Before a determiner "like" may be a filler or a preposition; unsure, it is not counted.
    "and like the other candidates, I prepared",
]


@pytest.mark.parametrize("sentence", LIKE_FILLERS)
def test_like_as_a_filler_is_counted(sentence: str) -> None:
    written = next(word for word in sentence.split() if word.lower().startswith("like"))
    assert ("like", written) in fillers_in(sentence)


@pytest.mark.parametrize("sentence", LIKE_NOT_FILLERS)
def test_like_as_a_verb_preposition_or_quote_is_not_counted(sentence: str) -> None:
    assert "like" not in [kind for kind, _ in fillers_in(sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "it's, you know, hard",
        "You know, I think we did well",
        "the rules, you know, things like rest time",
        "It was hard, you know.",
        "and you know like nobody tested it",
    ],
)
def test_you_know_as_a_filler_is_counted(sentence: str) -> None:
    assert [kind for kind, _ in fillers_in(sentence)].count("you know") == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "do you know the answer",
        "Did you know that",
        "as you know, we moved offices",
        "if you know Python, this is easy",
        "You know the drill",
        "I wonder what you know about it",
        "you, know",
    ],
)
def test_you_know_as_a_question_or_statement_is_not_counted(sentence: str) -> None:
    assert "you know" not in [kind for kind, _ in fillers_in(sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "It was fine, I mean, mostly",
        "I mean, it worked in the end",
        "but I mean it was fine",
        "Yeah, I mean we tried",
    ],
)
def test_i_mean_as_a_filler_is_counted(sentence: str) -> None:
    assert [kind for kind, _ in fillers_in(sentence)] == ["I mean"]


@pytest.mark.parametrize(
    "sentence",
    [
        "what I mean is we need tests",
        "I mean it.",
        "By scalable I mean ten times the load",
        "That is not what I mean",
        "I mean the database, not the cache",
    ],
)
def test_i_mean_as_meaning_something_is_not_counted(sentence: str) -> None:
    assert fillers_in(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("I kind of led it", [("kind of", "kind of")]),
        ("it was sort of a mess", [("sort of", "sort of")]),
        ("We kinda rushed it", [("kind of", "kinda")]),
        ("I sorta knew", [("sort of", "sorta")]),
        ("Kind of, yes.", [("kind of", "Kind of,")]),
    ],
)
def test_kind_of_and_sort_of_as_hedges_are_counted(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert fillers_in(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "what kind of database do you use",
        "this sort of thing happens",
        "a weird kind of bug",
        "the same kind of problem",
        "Which sort of role?",
        "all kinds of tools",
    ],
)
def test_kind_of_and_sort_of_as_nouns_are_not_counted(sentence: str) -> None:
    assert fillers_in(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Basically we rewrote it", "basically"),
        ("so basically the cache was stale", "basically"),
        ("Actually, I disagree", "actually"),
        ("It worked, actually.", "actually"),
        ("and actually we shipped early", "actually"),
    ],
)
def test_actually_and_basically_as_discourse_markers_are_counted(sentence: str, kind: str) -> None:
    assert [found for found, _ in fillers_in(sentence)] == [kind]


@pytest.mark.parametrize(
    "sentence",
    ["I actually led the team", "the system was basically sound", "it actually works"],
)
def test_actually_and_basically_inside_a_clause_are_not_counted(sentence: str) -> None:
    assert fillers_in(sentence) == []


def test_every_filler_of_a_real_answer_is_found_in_order() -> None:
    answer = (
        "Um, the hardest part was the rules, you know, things like rest time. I wrote them "
        "as small functions, so the head nurse could, uh, tell me when something was wrong, and, "
        "like, I kind of learned to ask first. I like Python, I mean, it's readable."
    )
    assert [kind for kind, _ in fillers_in(answer)] == ["um", "you know", "uh", "like", "kind of", "I mean"]


def test_a_word_belongs_to_one_filler_only() -> None:
    assert fillers_in("you know like, um") == [("you know", "you know"), ("like", "like,"), ("um", "um")]


def test_punctuation_only_tokens_and_curly_apostrophes_are_understood() -> None:
    assert fillers_in("and \u2014 like we did it") == [("like", "like")]
    assert fillers_in("I\u2019d like to") == []


def test_counts_by_kind_leave_out_kinds_that_never_occur() -> None:
    spans = filler_spans(["Um,", "it", "was,", "like,", "um,", "hard"])
    assert count_by_kind(spans) == {"um": 2, "like": 1}


def test_timed_fillers_span_their_words_in_the_recording() -> None:
    words = [
        {"word": "It's,", "start": 10.0, "end": 10.3, "confidence": 0.9},
        {"word": "you", "start": 10.5, "end": 10.6, "confidence": 0.9},
        {"word": "know,", "start": 10.6, "end": 10.9, "confidence": 0.9},
        {"word": "hard.", "start": 11.0, "end": 11.4, "confidence": 0.9},
    ]
    [filler] = find_fillers(words)
    assert (filler.kind, filler.first_word, filler.last_word) == ("you know", 1, 2)
    assert filler.to_event() == {"kind": "you know", "start": 10.5, "end": 10.9}


def test_no_words_no_fillers() -> None:
    assert find_fillers([]) == []
    assert filler_events([]) == []


def test_filler_events_are_the_timed_fillers_as_records() -> None:
    for segment in varied_segments(1000, seed=31):
        words = segment["words"]
        assert repr(filler_events(words)) == repr([filler.to_event() for filler in find_fillers(words)])
