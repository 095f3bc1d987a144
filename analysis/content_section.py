"""The content section of an analysis, its scores and recommendations: pure, no Kafka.

Built from the interview's ``answer.analysis`` records once the END record says how many
there are. Categories are scored only when there is something to score:

- structure: mean STAR score of the answers;
- relevance: mean relevance of the answers to their questions (and the job);
- confidence, enthusiasm: means over the answers.

The overall score weighs the categories present (speech 0.35, structure 0.25, relevance
0.2, confidence 0.12, enthusiasm 0.08), renormalised over those computed. Edge cases are
results, not failures: no question found gives a speech-only analysis that says so; a
recording with little speech in it (music, a film) is flagged and given no content scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any

from analysis.content.answer_analysis import STAR_PART_NAMES
from analysis.moments import clock

CATEGORY_WEIGHTS = {
    "speech": 0.35,
    "structure": 0.25,
    "relevance": 0.2,
    "confidence": 0.12,
    "enthusiasm": 0.08,
}
#: Below this share of the recording spoken, it is not an interview (music, a film, silence).
MIN_SPEAKING_SHARE = 0.25
#: At most this many answer-level notes join the recommendations.
MAX_ANSWER_NOTES = 4

NO_QUESTIONS = (
    "We found no interview questions in this recording, so this is a speech-only analysis: "
    "upload a recording that includes the interviewer's questions for feedback on your answers."
)
NOT_AN_INTERVIEW = (
    "Little of this recording is speech ({share:.0%}), so it does not look like an interview "
    "(music or a film?): no content scores were given."
)
SPEAKERS_UNCERTAIN = (
    "Several speakers, low confidence in who is who: questions and answers were told apart by "
    "question form and pauses, not by voice. Check that the questions listed are the interviewer's."
)
SPEAKERS_GUESSED = (
    "Questions and answers were told apart by question form and pauses, not by voice: check "
    "that the questions listed are the interviewer's."
)


def _turn(answer: Mapping[str, Any]) -> dict[str, Any]:
    star = answer["star"]
    return {
        "turn_index": answer["turn_index"],
        "question": answer["question"],
        "answer": answer["answer"],
        "start": answer["start"],
        "end": answer["end"],
        "answer_start": answer["answer_start"],
        "asker": answer.get("asker"),
        "answerer": answer.get("answerer"),
        "star": {part: star[part] for part in STAR_PART_NAMES} | {"score": star["score"]},
        "relevance": answer["relevance"]["score"],
        "relevance_detail": answer["relevance"],
        "confidence": answer["confidence"]["score"],
        "hedges": answer["confidence"]["hedges"],
        "enthusiasm": answer["enthusiasm"]["score"],
        "feedback": answer["feedback"],
        "analyzer": answer["analyzer"],
    }


def _mean(answers: Sequence[Mapping[str, Any]], path: tuple[str, str]) -> float:
    return round(fmean(float(answer[path[0]][path[1]]) for answer in answers), 1)


def content_scores(answers: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    if not answers:
        return {}
    return {
        "structure": _mean(answers, ("star", "score")),
        "relevance": _mean(answers, ("relevance", "score")),
        "confidence": _mean(answers, ("confidence", "score")),
        "enthusiasm": _mean(answers, ("enthusiasm", "score")),
    }


def overall(scores: Mapping[str, float]) -> float:
    weights = {name: CATEGORY_WEIGHTS[name] for name in scores if name in CATEGORY_WEIGHTS}
    if not weights:
        return 0.0
    return round(sum(scores[name] * weight for name, weight in weights.items()) / sum(weights.values()), 1)


def content_recommendations(answers: Sequence[Mapping[str, Any]]) -> list[str]:
    """Across answers first (a pattern is worth more than one slip), then the answers' own notes."""
    notes: list[str] = []
    missing_result = [a for a in answers if not a["star"]["result"]["present"]]
    if len(answers) >= 2 and len(missing_result) * 2 >= len(answers):
        times = ", ".join(
            clock(a["answer_start"] if a["answer_start"] is not None else a["start"]) for a in missing_result
        )
        notes.append(
            f"{len(missing_result)} of {len(answers)} answers never say how things turned out (at {times}): "
            "close each story with its result, ideally a number."
        )
    hedges = sum(len(a["confidence"]["hedges"]) for a in answers)
    words = sum(a["confidence"]["word_count"] for a in answers)
    rate = hedges * 100 / words if words else 0.0
    if rate >= 2:
        notes.append(
            f"You hedged {hedges} times in {words} words of answers ({rate:.1f} per 100 words): "
            'say "I did" rather than "I think I" when you describe your own work.'
        )
    answer_notes = [note for answer in answers for note in answer["feedback"]]
    return notes + answer_notes[:MAX_ANSWER_NOTES]


def build_content(
    answers: Sequence[Mapping[str, Any]], end: Mapping[str, Any], speech: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, float], list[str], list[str]]:
    """(content section, content scores, recommendations, warnings)."""
    ordered = sorted(answers, key=lambda answer: answer["turn_index"])
    duration = float(speech["duration_seconds"])
    share = float(speech["speaking_seconds"]) / duration if duration > 0 else 0.0
    timeline = [point for answer in ordered for point in answer["sentiment"]]
    section: dict[str, Any] = {
        "status": "analysed",
        "message": None,
        "analyzer": sorted({answer["analyzer"] for answer in ordered}),
        "speakers_known": bool(end.get("speakers_known")),
        "questions": [answer["question"] for answer in ordered],
        "turns": [_turn(answer) for answer in ordered],
        "sentiment_timeline": timeline,
    }
    warnings: list[str] = []
    if share < MIN_SPEAKING_SHARE:
        message = NOT_AN_INTERVIEW.format(share=share)
        return (
            {**section, "status": "not_an_interview", "message": message, "turns": [], "questions": []},
            {},
            [],
            [message],
        )
    if not ordered:
        return {**section, "status": "no_questions", "message": NO_QUESTIONS}, {}, [], [NO_QUESTIONS]
    if end.get("speakers_uncertain"):
        warnings.append(SPEAKERS_UNCERTAIN)
    elif not section["speakers_known"]:
        warnings.append(SPEAKERS_GUESSED)
    degraded = sorted({answer["degraded_reason"] for answer in ordered if answer["degraded_reason"]})
    if degraded:
        warnings.append(
            "The detailed analyzer was unavailable for some answers, so the offline one was used."
        )
    scores = content_scores(ordered)
    section["confidence_score"] = scores["confidence"]
    section["enthusiasm_score"] = scores["enthusiasm"]
    return section, scores, content_recommendations(ordered), warnings
