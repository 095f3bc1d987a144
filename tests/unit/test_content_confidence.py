"""Confidence and enthusiasm of an answer, with the words they come from."""

from __future__ import annotations

import pytest

from analysis.content.confidence import analyze_confidence, analyze_enthusiasm
from analysis.content.sentences import TimedSentence, segment_from_text, split_sentences


def _sentences(text: str) -> list[TimedSentence]:
    return split_sentences([segment_from_text(text)])


def test_an_assured_answer_keeps_full_confidence() -> None:
    confidence = analyze_confidence(_sentences("I led the migration and we finished two weeks early."))
    assert confidence.score == 100 and confidence.hedges == [] and confidence.self_corrections == []


def test_hedges_are_found_with_their_moment_and_lower_the_score() -> None:
    confidence = analyze_confidence(_sentences("I think it maybe worked, I'm not sure."))
    assert [hedge.text for hedge in confidence.hedges] == ["I think", "maybe", "I'm not sure."]
    assert confidence.hedges[1].start == pytest.approx(1.2)  # the third word, at 0.4 s a word
    assert confidence.score < 50


def test_what_kind_of_is_a_noun_not_a_hedge() -> None:
    assert analyze_confidence(_sentences("What kind of database did we pick? Postgres.")).hedges == []


def test_self_corrections_count_repeats_restarts_and_i_mean() -> None:
    corrections = analyze_confidence(
        _sentences("So we — I designed the the pipeline. I mean, it worked.")
    ).self_corrections
    assert [finding.kind for finding in corrections] == ["restart", "repeated word", "I mean"]


def test_exclamations_and_energetic_words_raise_enthusiasm() -> None:
    flat = analyze_enthusiasm(_sentences("I worked on the billing service for two years."))
    keen = analyze_enthusiasm(_sentences("I loved that project! I'm really excited about this role."))
    assert flat.score == 30
    assert keen.score > 80 and keen.exclamations == 1
    assert [word.text for word in keen.energetic_words] == ["loved", "excited"]
