"""Prep versus actual: what was practised, what was asked, and how the answers changed.

Actual questions are matched to practised ones by meaning (sentence embeddings), one to
one, best pairs first, when their cosine similarity reaches :data:`SAME_QUESTION`. For each
match the practised answer is set beside the actual one, sentence by sentence: a practised
sentence is *kept* when an actual sentence says the same (cosine ≥ :data:`SAME_POINT`),
otherwise *dropped*; actual sentences with no practised counterpart are *added*. The
delta per question is actual minus practised on the STAR score, relevance and confidence
(both read by the same analyzer), and the improvement score (-100..100) is the mean of
those deltas over the matched questions, or None when no practised question was asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any

import numpy as np

from analysis.content.embeddings import SentenceEmbedder

SAME_QUESTION = 0.45
SAME_POINT = 0.6
DELTA_FIELDS = ("star", "relevance", "confidence")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE.split(text.strip()) if sentence]


def match_questions(
    embedder: SentenceEmbedder, practised: Sequence[str], asked: Sequence[str]
) -> list[tuple[int, int, float]]:
    """(practised index, asked index, similarity) pairs, one to one, best first."""
    if not practised or not asked:
        return []
    vectors = embedder.embed([*practised, *asked])
    similarity = vectors[len(practised) :] @ vectors[: len(practised)].T  # asked × practised
    pairs = sorted(
        ((float(similarity[a, p]), p, a) for a in range(len(asked)) for p in range(len(practised))),
        reverse=True,
    )
    used_practised: set[int] = set()
    used_asked: set[int] = set()
    matches = []
    for score, p, a in pairs:
        if score < SAME_QUESTION:
            break
        if p in used_practised or a in used_asked:
            continue
        used_practised.add(p)
        used_asked.add(a)
        matches.append((p, a, round(score, 3)))
    return sorted(matches, key=lambda match: match[1])


def compare_points(embedder: SentenceEmbedder, practised: str, actual: str) -> dict[str, list[str]]:
    """What of the practised answer was kept, dropped, and what the actual one added."""
    before, after = _sentences(practised), _sentences(actual)
    if not before or not after:
        return {"kept": [], "dropped": before, "added": after}
    vectors = embedder.embed([*before, *after])
    similarity = vectors[: len(before)] @ vectors[len(before) :].T  # before × after
    kept = [before[i] for i in range(len(before)) if float(np.max(similarity[i])) >= SAME_POINT]
    dropped = [before[i] for i in range(len(before)) if float(np.max(similarity[i])) < SAME_POINT]
    added = [after[j] for j in range(len(after)) if float(np.max(similarity[:, j])) < SAME_POINT]
    return {"kept": kept, "dropped": dropped, "added": added}


def _scores(analysis: Mapping[str, Any]) -> dict[str, float]:
    return {
        "star": float(analysis["star"]["score"]),
        "relevance": float(analysis["relevance"]["score"]),
        "confidence": float(analysis["confidence"]["score"]),
    }


def compare(
    embedder: SentenceEmbedder,
    practised: Sequence[Mapping[str, Any]],
    actual_turns: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The prep-versus-actual section.

    ``practised``: ``{question, answer, analysis}`` per practised question (the latest
    attempt; ``answer`` and ``analysis`` are None when it was never answered).
    ``actual_turns``: ``{question, answer, start, star, relevance, confidence}`` per
    turn, as in the analysis's content section (star carries its ``score``).
    """
    matches = match_questions(
        embedder, [item["question"] for item in practised], [turn["question"] for turn in actual_turns]
    )
    matched_practised = {p for p, _, _ in matches}
    matched_asked = {a for _, a, _ in matches}
    rows = []
    for p, a, similarity in matches:
        item, turn = practised[p], actual_turns[a]
        actual_scores = {
            "star": float(turn["star"]["score"]),
            "relevance": float(turn["relevance"]),
            "confidence": float(turn["confidence"]),
        }
        row: dict[str, Any] = {
            "practised_question": item["question"],
            "actual_question": turn["question"],
            "similarity": similarity,
            "start": turn["start"],
            "practised_answer": item.get("answer"),
            "actual_answer": turn["answer"],
            "points": None,
            "delta": None,
            "delta_score": None,
        }
        if item.get("answer") and item.get("analysis"):
            before = _scores(item["analysis"])
            delta = {name: round(actual_scores[name] - before[name], 1) for name in DELTA_FIELDS}
            row["points"] = compare_points(embedder, item["answer"], turn["answer"])
            row["delta"] = delta
            row["delta_score"] = round(fmean(delta.values()), 1)
        rows.append(row)
    deltas = [row["delta_score"] for row in rows if row["delta_score"] is not None]
    improvement = round(max(-100.0, min(100.0, fmean(deltas)))) if deltas else None
    return {
        "matches": rows,
        "practised_and_asked": len(rows),
        "unexpected_questions": [
            {"question": turn["question"], "start": turn["start"]}
            for index, turn in enumerate(actual_turns)
            if index not in matched_asked
        ],
        "practised_not_asked": [
            item["question"] for index, item in enumerate(practised) if index not in matched_practised
        ],
        "improvement_score": improvement,
    }


def prep_section(
    embedder: SentenceEmbedder, session: Mapping[str, Any] | None, actual_turns: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The analysis's ``prep_comparison``, from a ``PrepSession`` record and the content turns."""
    if session is None:
        return {"status": "prep_session_not_found", "improvement_score": None}
    practised = []
    for question in session["questions"]:
        scores = question.get("latest_scores")
        analysis = (
            {
                "star": {"score": scores["star"]},
                "relevance": {"score": scores["relevance"]},
                "confidence": {"score": scores["confidence"]},
            }
            if scores
            else None
        )
        practised.append(
            {"question": question["text"], "answer": question.get("latest_answer"), "analysis": analysis}
        )
    return {
        "status": "compared",
        "prep_session_id": session["prep_session_id"],
        **compare(embedder, practised, actual_turns),
    }
