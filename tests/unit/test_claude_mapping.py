"""Claude's quotes found again in the answer's timed words, and its judgement as an AnswerAnalysis.

The mapping rule (``locate_quote``): words are compared without case or edge punctuation; a
quote is found word for word, else in order with a few extra transcript words between (a
filler the model left out), else, when three words or more and mostly in one sentence, as
that whole sentence; a quote found nowhere is dropped, and a STAR part left without any
found quote counts as missing.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.claude.answer_prompt import AnswerJudgement
from analysis.claude.answers import analysis_from_judgement
from analysis.content.answer_analysis import AnswerTurn, TimedWord
from analysis.content.offline_analyzer import answer_sentences
from analysis.content.quotes import locate_quote

ANSWER = (
    "At my last job our builds took forty minutes. I was responsible for the CI pipeline. "
    "I think I, um, rewrote the tests to run in parallel. As a result, builds dropped to twelve minutes!"
)
FIRST_WORD_AT = 61.0


def turn(answer: str = ANSWER) -> AnswerTurn:
    """Word i said from 61.0 + 0.6 i for 0.5 s (so the answer starts at 1:01)."""
    words = [
        TimedWord(word=word, start=FIRST_WORD_AT + 0.6 * index, end=FIRST_WORD_AT + 0.6 * index + 0.5)
        for index, word in enumerate(answer.split())
    ]
    return AnswerTurn(
        interview_id="interview-1",
        user_id="user-1",
        turn_index=2,
        question="Tell me about a time you made something faster.",
        answer=answer,
        start=55.0,
        end=82.0,
        question_end=60.0,
        answer_start=FIRST_WORD_AT,
        answer_words=words,
    )


def located(quote: str) -> tuple[str, float, float] | None:
    span = locate_quote(quote, answer_sentences(turn()))
    return (span.text, span.start, span.end) if span else None


def test_an_exact_quote_spans_its_words() -> None:
    # Words 9-15: "I" at 61.0 + 5.4, "pipeline." ends at 61.0 + 9.0 + 0.5.
    assert located("I was responsible for the CI pipeline") == (
        "I was responsible for the CI pipeline.",
        66.4,
        70.5,
    )


def test_case_and_punctuation_do_not_matter() -> None:
    assert located("AS A RESULT builds dropped to twelve minutes.") == (
        "As a result, builds dropped to twelve minutes!",
        77.2,
        81.9,
    )
    assert located("i think") == ("I think", 70.6, 71.7)


def test_a_quote_without_the_speakers_filler_spans_the_tightest_stretch() -> None:
    # The model left out "um,"; the second "I" (word 18) starts the tightest match, not the first.
    assert located("I rewrote the tests") == ("I, um, rewrote the tests", 71.8, 74.7)


def test_a_slightly_paraphrased_quote_stands_for_its_whole_sentence() -> None:
    assert located("I rewrote all the tests to run in parallel") == (
        "I think I, um, rewrote the tests to run in parallel.",
        70.6,
        77.1,
    )


@pytest.mark.parametrize("quote", ["we migrated everything to Kubernetes overnight", "I guess", "", "..."])
def test_a_quote_the_answer_does_not_hold_is_dropped(quote: str) -> None:
    assert located(quote) is None


def test_a_typed_answer_without_word_times_is_timed_from_its_start() -> None:
    typed = turn().model_copy(update={"answer_words": []})
    span = locate_quote("I was responsible", answer_sentences(typed))
    # segment_from_text: 0.4 s a word from answer_start, and "I" is the tenth word.
    assert span is not None and (span.start, span.end) == pytest.approx((64.6, 65.8))


def judgement(**changes: Any) -> AnswerJudgement:
    fields: dict[str, Any] = {
        "situation": {"present": True, "quotes": ["At my last job our builds took forty minutes"]},
        "task": {"present": True, "quotes": ["I was responsible for the CI pipeline"]},
        "action": {"present": True, "quotes": ["I rewrote the tests to run in parallel"]},
        "result": {"present": True, "quotes": ["builds dropped to twelve minutes"]},
        "star_score": 95,
        "relevance_to_question": 90,
        "relevance_to_job_description": 60,
        "shared_terms": ["faster"],
        "confidence_score": 80,
        "hedge_quotes": ["I think"],
        "self_correction_quotes": [],
        "enthusiasm_score": 50,
        "feedback": [
            {"note": "Drop the hedge before your action.", "quote": "I think"},
            {"note": "Name the tool you used.", "quote": None},
        ],
    }
    return AnswerJudgement.model_validate({**fields, **changes})


def test_a_judgement_becomes_a_claude_analysis_with_moments_and_counted_figures() -> None:
    analysis = analysis_from_judgement(judgement(), turn(), "Platform engineer: CI, build tooling")
    assert analysis.analyzer == "claude" and analysis.degraded_reason is None
    assert analysis.star.score == 95 and analysis.star.missing() == []
    assert [(span.start, span.end) for span in analysis.star.result.evidence] == [(79.0, 81.9)]
    assert [(hedge.kind, hedge.start) for hedge in analysis.confidence.hedges] == [("hedge", 70.6)]
    # Words and fillers are counted by the offline rules, not guessed: 35 words, one "um".
    assert (analysis.confidence.word_count, analysis.confidence.filler_count) == (35, 1)
    assert analysis.enthusiasm.exclamations == 1
    assert (analysis.relevance.to_question, analysis.relevance.to_job_description) == (90, 60)
    assert analysis.relevance.score == 81  # 0.7 * 90 + 0.3 * 60, as the offline analyzer weighs them
    assert analysis.feedback == [
        "Drop the hedge before your action. (at 1:10)",
        "Name the tool you used. (answer at 1:01)",
    ]


def test_a_star_part_resting_only_on_invented_quotes_is_missing() -> None:
    invented = {"present": True, "quotes": ["the customer renewed for three more years"]}
    analysis = analysis_from_judgement(judgement(result=invented), turn(), None)
    assert analysis.star.missing() == ["result"]
    assert analysis.star.score == 65  # the result's 30 points taken back from 95
    assert analysis.relevance.to_job_description is None and analysis.relevance.score == 90
