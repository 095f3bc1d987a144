"""What the rollup gathers per interview (analysis.parts): answers in any order, the END
record that counts them, and when the interview is complete."""

from __future__ import annotations

from typing import Any

from analysis.parts import answers_in_order, is_complete, new_parts, with_answer


def answer(turn_index: int, kind: str = "ANSWER", **fields: Any) -> dict[str, Any]:
    return {"interview_id": "i1", "turn_index": turn_index, "kind": kind, **fields}


FINAL = {"interview_id": "i1", "seq": 2, "final": True}


def test_answers_arriving_out_of_order_are_given_back_by_turn() -> None:
    parts = new_parts()
    for index in (2, 0, 1):
        parts = with_answer(parts, answer(index, note=f"turn {index}"))
    parts = with_answer({**parts, "final_metrics": FINAL}, answer(3, kind="END"))
    assert is_complete(parts, frozenset({0, 1, 2}))
    assert [item["note"] for item in answers_in_order(parts)] == ["turn 0", "turn 1", "turn 2"]


def test_an_answer_delivered_twice_counts_once_and_the_parts_given_are_left_as_they_were() -> None:
    first = with_answer(new_parts(), answer(0, note="first"))
    again = with_answer(first, answer(0, note="again"))
    assert list(again["answers"]) == ["0"] and again["answers"]["0"]["note"] == "again"
    assert first["answers"]["0"]["note"] == "first"
    ended = with_answer({**again, "final_metrics": FINAL}, answer(2, kind="END"))
    assert not is_complete(ended, frozenset({0, 1, 2})), "the END counts two answers; one came"


def test_new_parts_belong_to_their_run_and_wait_for_everything() -> None:
    parts = new_parts(run=3)
    assert parts["run"] == 3
    assert not is_complete(parts, frozenset(range(10)))
