"""What the rollup gathers for one interview until its analysis can be written.

The parts: the final segment's metrics, the answers by turn index, the END record of
``answer.analysis`` (which counts the answers), whether the analysis was sent, whether the
interview failed, and the analysis run (:mod:`analysis.runs`) they belong to. The speech
totals are kept beside them (they fold every segment's metrics); the segments they have seen
say which are still missing.
"""

from __future__ import annotations

from typing import Any

from analysis.transcript_gaps import missing_seqs


def new_parts(run: int = 0) -> dict[str, Any]:
    return {"final_metrics": None, "answers": {}, "end": None, "sent": False, "failed": False, "run": run}


def with_answer(parts: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The parts with an ``answer.analysis`` record in: the END record, or an answer by its turn."""
    if answer["kind"] == "END":
        return {**parts, "end": answer}
    return {**parts, "answers": {**parts["answers"], str(answer["turn_index"]): answer}}


def missing(parts: dict[str, Any], seen_seqs: frozenset[int]) -> list[int]:
    """The segments not accounted for; every one but the final while it has not come."""
    final = parts["final_metrics"]
    return [] if final is None else missing_seqs(seen_seqs, int(final["seq"]))


def is_complete(parts: dict[str, Any], seen_seqs: frozenset[int]) -> bool:
    """Every segment's metrics and every answer are in, and nothing ended the interview."""
    end = parts["end"]
    return (
        parts["final_metrics"] is not None
        and not missing(parts, seen_seqs)
        and end is not None
        and len(parts["answers"]) >= end["turn_index"]
        and not parts.get("failed", False)
    )


def answers_in_order(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers of a complete interview, by turn."""
    return [parts["answers"][str(index)] for index in range(parts["end"]["turn_index"])]
