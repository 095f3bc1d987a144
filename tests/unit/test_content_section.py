"""The analysis with its content section: scores by category, grounded advice, edge cases."""

from __future__ import annotations

import json
import re
from typing import Any

from analysis.content.answer_analysis import AnswerTurn
from analysis.content.offline_analyzer import OfflineAnalyzer
from analysis.content.sentences import segment_from_text
from analysis.document import build_analysis
from analysis.speech.metrics import SpeechTotals

ANSWERS = [
    (
        "Tell me about a time you fixed a slow report.",
        "At my last job the monthly report took an hour. I was responsible for it. "
        "I rewrote the query and added an index. As a result it ran in two minutes.",
    ),
    (
        "Tell me about a conflict with a colleague.",
        "I think I sort of talked to him. Maybe we agreed, I guess.",
    ),
    (
        "How do you learn a new tool?",
        "I think I read the docs. I kind of try things, probably.",
    ),
]


def answer_record(index: int, question: str, answer: str, start: float) -> dict[str, Any]:
    words = segment_from_text(answer, start=start + 4.0)["words"]
    turn = AnswerTurn(
        interview_id="i-1",
        user_id="u-1",
        turn_index=index,
        question=question,
        answer=answer,
        start=start,
        end=words[-1]["end"],
        question_end=start + 3.0,
        answer_start=start + 4.0,
        answer_words=words,
    )
    analysis = OfflineAnalyzer().analyze_now(turn, "Data engineer: SQL, reports, pipelines").model_dump()
    return {
        **analysis,
        "kind": "ANSWER",
        "question": question,
        "answer": answer,
        "start": turn.start,
        "end": turn.end,
        "answer_start": turn.answer_start,
        "sentiment": [{"start": turn.answer_start, "end": turn.end, "sentiment": 0.2}],
        "speakers_known": False,
    }


def final_metrics(duration: float) -> dict[str, Any]:
    return {"interview_id": "i-1", "user_id": "u-1", "end": duration, "audio_duration": duration}


def speech(word_count: int, speaking_seconds: float) -> SpeechTotals:
    return SpeechTotals(
        seen_seqs=frozenset({0}),
        word_count=word_count,
        speaking_seconds=speaking_seconds,
        clarity_word_sum=0.9 * word_count,
    )


def analysed(answers: list[dict[str, Any]], duration: float = 120.0, spoken: float = 100.0) -> dict[str, Any]:
    end = {"kind": "END", "turn_index": len(answers), "speakers_known": False}
    analysis = build_analysis(
        final_metrics(duration), speech(250, spoken), completed_at_ms=0, answers=answers, turns_end=end
    )
    analysis["content"] = json.loads(analysis["content"])
    return analysis


def three_answers() -> list[dict[str, Any]]:
    return [answer_record(i, q, a, 40.0 * i) for i, (q, a) in enumerate(ANSWERS)]


def test_scores_by_category_and_an_overall_between_them() -> None:
    analysis = analysed(three_answers())
    scores = analysis["scores"]
    assert set(scores) == {"speech", "structure", "relevance", "confidence", "enthusiasm"}
    assert min(scores.values()) <= analysis["overall_score"] <= max(scores.values())
    turns = analysis["content"]["turns"]
    assert [t["question"] for t in turns] == [q for q, _ in ANSWERS]
    assert turns[0]["star"]["result"]["present"] and not turns[1]["star"]["result"]["present"]
    assert turns[0]["star"]["score"] > turns[1]["star"]["score"]
    assert turns[1]["confidence"] < turns[0]["confidence"]


def test_every_recommendation_cites_a_moment_or_a_figure() -> None:
    recommendations = analysed(three_answers())["recommendations"]
    assert any("2 of 3 answers never say how things turned out" in r for r in recommendations)
    assert any("hedged" in r for r in recommendations)
    for recommendation in recommendations:
        assert re.search(r"\d", recommendation), recommendation


def test_no_questions_gives_a_speech_only_analysis_that_says_so() -> None:
    analysis = analysed([])
    assert analysis["content"]["status"] == "no_questions"
    assert analysis["scores"] == {"speech": analysis["overall_score"]}
    assert any("speech-only" in warning for warning in analysis["warnings"])


def test_a_recording_that_is_mostly_not_speech_gets_no_scores() -> None:
    analysis = analysed(three_answers(), duration=600.0, spoken=40.0)
    assert analysis["content"]["status"] == "not_an_interview"
    assert analysis["scores"] == {} and analysis["recommendations"] == []
    assert analysis["content"]["turns"] == []
    assert any("does not look like an interview" in warning for warning in analysis["warnings"])


def test_turns_told_apart_without_voices_are_flagged() -> None:
    assert any("not by voice" in warning for warning in analysed(three_answers())["warnings"])


def test_a_fallback_to_the_offline_analyzer_is_said() -> None:
    answers = three_answers()
    answers[0]["degraded_reason"] = "claude: overloaded after 4 attempts"
    assert any("offline one was used" in warning for warning in analysed(answers)["warnings"])


def test_without_content_the_analysis_is_speech_only_as_before() -> None:
    analysis = build_analysis(final_metrics(60.0), speech(150, 55.0), completed_at_ms=0)
    assert analysis["content"] is None
    assert analysis["scores"] == {"speech": analysis["overall_score"]}
