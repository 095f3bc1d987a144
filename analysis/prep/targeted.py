"""Targeted practice: the skills a user is weakest at across their analysed interviews.

Skills are read from each analysis's content section: ``results`` (answers without a
STAR result), ``actions`` (without the candidate's own actions), ``context`` (without
situation or task), ``relevance`` (answers that drift), ``confidence`` (hedging, fillers
in answers). Each skill's level is the share of answers that got it right (0-100), over
time so progress shows, and questions are picked from the bank for the weakest skills.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analysis.prep.question_bank import BANK, BankQuestion

#: Skill → the bank questions that practise it best (behavioural stories that need it).
PRACTICE_FOR = {
    "results": ("b-data", "b-proud", "t-perf", "b-initiative"),
    "actions": ("b-initiative", "b-conflict", "b-stakeholder", "b-deadline"),
    "context": ("b-failure", "b-change", "b-ambiguity", "b-customer"),
    "relevance": ("b-prioritise", "p-why-role", "b-feedback", "t-tradeoff"),
    "confidence": ("b-proud", "p-strength", "n-explain", "b-influence"),
}
ADVICE = {
    "results": "End every story with what changed, ideally a number.",
    "actions": "Say what you did yourself, step by step.",
    "context": "Set the scene in one sentence: where, when, what was at stake.",
    "relevance": "Answer the question asked before anything else.",
    "confidence": 'State what you did without hedges ("I think", "sort of").',
}
RELEVANT, CONFIDENT = 40, 60


def _got_right(turn: Mapping[str, Any]) -> dict[str, bool]:
    star = turn["star"]
    return {
        "results": bool(star["result"]["present"]),
        "actions": bool(star["action"]["present"]),
        "context": bool(star["situation"]["present"] or star["task"]["present"]),
        "relevance": float(turn["relevance"]) >= RELEVANT,
        "confidence": float(turn["confidence"]) >= CONFIDENT,
    }


def skill_levels(turns: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Per skill, the share of ``turns`` that got it right, 0-100 (no turns: no levels)."""
    if not turns:
        return {}
    checks = [_got_right(turn) for turn in turns]
    return {skill: round(100 * sum(check[skill] for check in checks) / len(checks)) for skill in PRACTICE_FOR}


def skill_progress(interviews: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Skill levels per analysed interview, oldest first: ``{interview_id, completed_at, levels}``."""
    return [
        {
            "interview_id": interview["interview_id"],
            "completed_at": interview["completed_at"],
            "levels": skill_levels(interview["turns"]),
        }
        for interview in sorted(interviews, key=lambda interview: interview["completed_at"])
        if interview["turns"]
    ]


def targeted_questions(interviews: Sequence[Mapping[str, Any]], count: int = 5) -> dict[str, Any]:
    """The weakest skills over all analysed answers, and bank questions to practise them."""
    turns = [turn for interview in interviews for turn in interview["turns"]]
    levels = skill_levels(turns)
    if not levels:
        return {"answers_seen": 0, "levels": {}, "weakest": [], "questions": []}
    weakest = [skill for skill, level in sorted(levels.items(), key=lambda item: item[1]) if level < 80][:2]
    by_id: dict[str, BankQuestion] = {question.id: question for question in BANK}
    picked: list[dict[str, Any]] = []
    for skill in weakest:
        for question_id in PRACTICE_FOR[skill]:
            if len(picked) >= count or any(item["id"] == question_id for item in picked):
                continue
            question = by_id[question_id]
            picked.append(
                {
                    "id": question.id,
                    "question": question.text,
                    "kind": question.kind,
                    "skill": skill,
                    "why": f"{skill}: {levels[skill]}% of your {len(turns)} answers so far. {ADVICE[skill]}",
                    "ai_generated": False,
                }
            )
    return {"answers_seen": len(turns), "levels": levels, "weakest": weakest, "questions": picked}
