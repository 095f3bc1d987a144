"""Questions found in a transcript and paired with their answers."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.content.questions import detect_turns, text_is_question
from analysis.content.sentences import segment_from_text


def _segment(text: str, start: float, speaker: str | None = None) -> dict[str, Any]:
    return segment_from_text(text, start=start, speaker=speaker)


@pytest.mark.parametrize(
    "utterance",
    [
        "So tell me about yourself.",
        "walk me through your last project",
        "How would you design a rate limiter",
        "Which team are you on now",
        "I'm curious, why did you leave?",
    ],
)
def test_interview_questions_are_found_with_or_without_a_question_mark(utterance: str) -> None:
    assert text_is_question(utterance)


@pytest.mark.parametrize(
    "utterance",
    [
        "I asked myself why the build kept failing?",
        "It was a mess, you know what I mean?",
        "What I did was rewrite the importer.",
        "I learned how to say no.",
        "Tell me about it, it was a nightmare.",
    ],
)
def test_rhetorical_reported_and_embedded_questions_are_not_questions(utterance: str) -> None:
    assert not text_is_question(utterance)


def test_speakers_pair_each_question_with_the_other_speakers_answer() -> None:
    segments = [
        _segment("Thanks for coming in.", 0.0, "interviewer"),
        _segment("Tell me about yourself.", 2.0, "interviewer"),
        _segment("I'm a backend engineer. Why backend? Because I like data.", 4.0, "candidate"),
        _segment("Great, thanks. What was your last project?", 12.0, "interviewer"),
        _segment("A billing rewrite.", 16.0, "candidate"),
    ]
    turns = [turn.to_dict() for turn in detect_turns(segments)]
    assert [turn["question"] for turn in turns] == [
        "Tell me about yourself.",
        "What was your last project?",
    ]
    # The candidate's own rhetorical question stays in the answer; "Great, thanks." is not answer.
    assert turns[0]["answer"] == "I'm a backend engineer. Why backend? Because I like data."
    assert turns[1]["answer"] == "A billing rewrite."
    assert (turns[0]["asker"], turns[0]["answerer"]) == ("interviewer", "candidate")
    assert turns[0]["start"] == 2.0
    assert turns[1]["end"] == pytest.approx(17.2)


def test_without_speakers_a_question_after_a_pause_opens_the_next_turn() -> None:
    segments = [
        _segment("Walk me through your resume.", 0.0),
        _segment("I started in support. Why support? It paid the bills.", 2.0),
        _segment("How did you move into engineering?", 9.0),
        _segment("I taught myself Python at night.", 12.0),
    ]
    turns = detect_turns(segments)
    assert [turn.question for turn in turns] == [
        "Walk me through your resume.",
        "How did you move into engineering?",
    ]
    assert turns[0].answer == "I started in support. Why support? It paid the bills."
    assert turns[0].asker is None and turns[0].answerer is None


def test_a_transcript_without_questions_has_no_turns() -> None:
    assert detect_turns([_segment("I like jazz. It is relaxing.", 0.0)]) == []
