"""The ``answer.analysis`` records made from ``interview.turns`` records: the content agent's
(``streams/analyze_answers.py``) and ``ib reprocess --reanalyze-answers``'s, so both write the
same records from the same analysis. Pure."""

from __future__ import annotations

from typing import Any

from analysis.content.answer_analysis import AnswerTurn
from analysis.content.offline_analyzer import answer_sentences
from analysis.content.sentiment import sentence_timeline
from analysis.runs import run_of


def answer_turn(record: dict[str, Any]) -> AnswerTurn:
    """The turn an ``interview.turns`` ANSWER record holds, as the analyzers take it."""
    fields = set(AnswerTurn.model_fields)
    return AnswerTurn.model_validate({key: value for key, value in record.items() if key in fields})


def answer_record(record: dict[str, Any], turn: AnswerTurn, analysis: dict[str, Any]) -> dict[str, Any]:
    """The ``answer.analysis`` ANSWER record of a turn and its analysis (``AnswerAnalysis``, dumped)."""
    return {
        "interview_id": turn.interview_id,
        "user_id": turn.user_id,
        "kind": "ANSWER",
        "turn_index": turn.turn_index,
        "question": turn.question,
        "answer": turn.answer,
        "start": turn.start,
        "end": turn.end,
        "answer_start": turn.answer_start,
        "analyzer": analysis["analyzer"],
        "star": analysis["star"],
        "relevance": analysis["relevance"],
        "confidence": analysis["confidence"],
        "enthusiasm": analysis["enthusiasm"],
        "feedback": analysis["feedback"],
        "degraded_reason": analysis["degraded_reason"],
        "sentiment": sentence_timeline(answer_sentences(turn)),
        "speakers_known": record["speakers_known"],
        "speakers_uncertain": record.get("speakers_uncertain", False),
        "asker": record.get("asker"),
        "answerer": record.get("answerer"),
        "run": run_of(record),
    }


def end_record(record: dict[str, Any]) -> dict[str, Any]:
    """The ``answer.analysis`` END record that follows an interview's last answer."""
    return {
        "interview_id": record["interview_id"],
        "user_id": record["user_id"],
        "kind": "END",
        "turn_index": record["turn_index"],
        "speakers_known": record["speakers_known"],
        "speakers_uncertain": record.get("speakers_uncertain", False),
        "prep_session_id": record.get("prep_session_id"),
        "run": run_of(record),
    }
