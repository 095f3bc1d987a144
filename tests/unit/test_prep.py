"""Interview prep: questions for the job, feedback on practice, prep versus actual, targets."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.content.embeddings import SentenceEmbedder, shared_embedder
from analysis.content.offline_analyzer import OfflineAnalyzer
from analysis.prep.comparison import compare
from analysis.prep.practice_feedback import analyse_practice, practice_feedback
from analysis.prep.question_bank import BANK, rank_questions
from analysis.prep.targeted import skill_progress, targeted_questions

STRONG = (
    "At my last job our nightly billing report took three hours. I was responsible for making it "
    "finish before the finance team started work. I profiled the query, added two indexes and "
    "rewrote the joins. As a result the report ran in twelve minutes, and finance got their "
    "numbers at eight instead of eleven."
)
WEAK = "I think we sort of looked at the query, maybe."


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return shared_embedder()


def test_questions_are_ranked_by_the_job_description(embedder: SentenceEmbedder) -> None:
    ranked = rank_questions(
        "Data engineer",
        "technical",
        "You will build Kafka streaming pipelines and tune SQL queries in our warehouse.",
        embedder,
        count=3,
    )
    assert len(ranked) == 3 and all(item.question.kind == "technical" for item in ranked)
    assert ranked[0].question.id == "t-streaming"
    assert "kafka" in ranked[0].matched_terms
    assert {item.question.id for item in ranked} & {"t-sql", "t-db"}


def test_without_a_type_or_description_the_common_questions_come_first() -> None:
    ranked = rank_questions(None, None, None, count=4)
    assert [item.question.kind for item in ranked] == ["behavioral"] * 4
    assert [item.question.id for item in ranked] == [q.id for q in BANK if q.kind == "behavioral"][:4]


def test_practice_feedback_names_what_is_missing_and_why() -> None:
    analyzer = OfflineAnalyzer()
    question = "Tell me about a time you made something faster."
    strong = practice_feedback(analyse_practice(analyzer, question, STRONG, None), STRONG)
    weak = practice_feedback(analyse_practice(analyzer, question, WEAK, None), WEAK)
    assert strong["star_missing"] == [] and strong["star_score"] == 100
    assert "result" in weak["star_missing"] and weak["star_score"] < strong["star_score"]
    assert weak["hedges"] == ["I think", "sort of", "maybe"]
    assert any("short" in note for note in weak["notes"])
    assert any("result" in note for note in weak["notes"])
    assert weak["confidence"] < strong["confidence"]


def _practised(analyzer: OfflineAnalyzer, question: str, answer: str) -> dict[str, Any]:
    return {
        "question": question,
        "answer": answer,
        "analysis": analyse_practice(analyzer, question, answer, None).model_dump(),
    }


def _turn(analyzer: OfflineAnalyzer, question: str, answer: str, start: float) -> dict[str, Any]:
    analysis = analyse_practice(analyzer, question, answer, None)
    return {
        "question": question,
        "answer": answer,
        "start": start,
        "star": {"score": analysis.star.score},
        "relevance": analysis.relevance.score,
        "confidence": analysis.confidence.score,
    }


def test_prep_versus_actual_matches_by_meaning_and_scores_the_change(embedder: SentenceEmbedder) -> None:
    analyzer = OfflineAnalyzer(embedder)
    practised = [
        _practised(analyzer, "Tell me about a time you made something faster.", WEAK),
        _practised(
            analyzer, "Why do you want to work here?", "I love your product and your engineering blog."
        ),
    ]
    actual = [
        _turn(analyzer, "Describe a time you made a slow system faster.", STRONG, 12.0),
        _turn(analyzer, "What is your salary expectation?", "Around sixty thousand.", 95.0),
    ]
    section = compare(embedder, practised, actual)
    [match] = section["matches"]
    assert match["practised_question"].startswith("Tell me about a time you made")
    assert match["delta"]["star"] > 0 and section["improvement_score"] > 0
    assert match["points"]["added"] and match["points"]["dropped"]
    assert section["unexpected_questions"] == [
        {"question": "What is your salary expectation?", "start": 95.0}
    ]
    assert section["practised_not_asked"] == ["Why do you want to work here?"]
    assert -100 <= section["improvement_score"] <= 100


def test_a_worse_answer_than_practised_scores_below_zero(embedder: SentenceEmbedder) -> None:
    analyzer = OfflineAnalyzer(embedder)
    question = "Tell me about a time you made something faster."
    section = compare(
        embedder, [_practised(analyzer, question, STRONG)], [_turn(analyzer, question, WEAK, 3.0)]
    )
    assert section["improvement_score"] < 0
    assert section["matches"][0]["points"]["dropped"]


def test_no_practised_question_asked_gives_no_improvement_score(embedder: SentenceEmbedder) -> None:
    analyzer = OfflineAnalyzer(embedder)
    section = compare(
        embedder,
        [_practised(analyzer, "Why do you want to work here?", "Your product.")],
        [_turn(analyzer, "How would you design a URL shortener?", "With a hash and a table.", 1.0)],
    )
    assert section["matches"] == [] and section["improvement_score"] is None


def _interview(interview_id: str, completed_at: int, results: list[bool]) -> dict[str, Any]:
    part = {"present": True, "evidence": []}
    turns = [
        {
            "star": {
                "situation": part,
                "task": part,
                "action": part,
                "result": {"present": r, "evidence": []},
            },
            "relevance": 70,
            "confidence": 80,
        }
        for r in results
    ]
    return {"interview_id": interview_id, "completed_at": completed_at, "turns": turns}


def test_targeted_practice_picks_the_weakest_skill_and_tracks_progress() -> None:
    interviews = [_interview("a", 1, [False, False, True]), _interview("b", 2, [True, True, False])]
    targets = targeted_questions(interviews)
    assert targets["weakest"] == ["results"]
    assert targets["levels"]["results"] == 50 and targets["levels"]["actions"] == 100
    assert targets["questions"] and all(q["skill"] == "results" for q in targets["questions"])
    assert all("50%" in q["why"] for q in targets["questions"])
    progress = skill_progress(interviews)
    assert [p["levels"]["results"] for p in progress] == [33, 67]


def test_targeted_practice_without_analysed_answers_picks_nothing() -> None:
    assert targeted_questions([])["questions"] == []
