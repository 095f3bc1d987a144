"""``--reanalyze-answers``: each answer read again by the answer analyzer the settings choose
(offline by default; Claude when a key is configured, which costs a call per answer), from the
interview's recorded ``interview.turns``, into the records the content agent would write."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from analysis.content.answer_analyzer import AnswerAnalyzer
from analysis.content.answer_records import answer_record, answer_turn, end_record
from analysis.runs import run_of


async def reanalyze(
    turns: Iterable[Mapping[str, Any]], run: int, analyzer: AnswerAnalyzer
) -> list[dict[str, Any]]:
    """The ``answer.analysis`` records of ``run``'s turns, one per turn (a turn recorded twice
    is analysed once, as last recorded), then the END record."""
    latest: dict[int, dict[str, Any]] = {}
    end: dict[str, Any] | None = None
    for record in turns:
        if run_of(record) != run:
            continue
        if record["kind"] == "END":
            end = dict(record)
        else:
            latest[int(record["turn_index"])] = dict(record)
    answers = []
    for index in sorted(latest):
        record = latest[index]
        turn = answer_turn(record)
        analysis = await analyzer.analyze(turn, record.get("job_description"))
        answers.append(answer_record(record, turn, analysis.model_dump()))
    return answers if end is None else [*answers, end_record(end)]
