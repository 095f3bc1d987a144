"""One interview's analysis recomputed from its recorded inputs: pure, no Kafka.

The segments are folded as the speech agent folds them and the metrics gathered as the roll-up
gathers them (:mod:`analysis.parts`); the analysis is built by the roll-up's own function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.content.embeddings import SentenceEmbedder
from analysis.document import build_analysis
from analysis.parts import answers_in_order, is_complete, missing, new_parts, with_answer
from analysis.runs import run_of
from analysis.speech.metrics import SpeechTotals, add_segment_metrics
from analysis.speech.running_counts import fold_segment


@dataclass(frozen=True)
class Recomputed:
    interview_id: str
    run: int
    #: The metrics of each segment of the run, by seq.
    metrics: list[dict[str, Any]] = field(default_factory=list)
    #: The new analysis, or None when the recorded inputs do not make one (``problem`` says why).
    analysis: dict[str, Any] | None = None
    problem: str | None = None


def segment_metrics(segments: Iterable[Mapping[str, Any]], run: int) -> list[dict[str, Any]]:
    """Each segment of ``run`` measured as the speech agent measures it, in the order recorded;
    a segment recorded twice (a replay, a rebalance) gives one metrics record, its last."""
    entry: dict[str, Any] | None = None
    by_seq: dict[int, dict[str, Any]] = {}
    for segment in segments:
        if run_of(segment) != run:
            continue
        entry, metrics = fold_segment(entry, dict(segment))
        if metrics is not None:
            by_seq[int(metrics["seq"])] = metrics
    return [by_seq[seq] for seq in sorted(by_seq)]


def recompute(
    interview_id: str,
    run: int,
    segments: Iterable[Mapping[str, Any]],
    answers: Iterable[Mapping[str, Any]],
    *,
    completed_at_ms: int,
    prep_session: Mapping[str, Any] | None = None,
    embedder: SentenceEmbedder | None = None,
) -> Recomputed:
    """The interview's metrics and analysis of ``run`` from its recorded segments and answers."""
    metrics = segment_metrics(segments, run)
    totals = SpeechTotals()
    parts = new_parts(run)
    for record in metrics:
        totals = add_segment_metrics(totals, record)
        if record["final"]:
            parts = {**parts, "final_metrics": record}
    for answer in answers:
        if run_of(answer) == run and answer["kind"] != "DELAYED":
            parts = with_answer(parts, dict(answer))
    if not is_complete(parts, totals.seen_seqs):
        return Recomputed(interview_id, run, metrics, None, _why_incomplete(parts, totals))
    analysis = build_analysis(
        parts["final_metrics"],
        totals,
        completed_at_ms=completed_at_ms,
        answers=answers_in_order(parts),
        turns_end=parts["end"],
        prep_session=prep_session,
        embedder=embedder,
    )
    return Recomputed(interview_id, run, metrics, analysis)


def _why_incomplete(parts: dict[str, Any], totals: SpeechTotals) -> str:
    if parts["final_metrics"] is None:
        return "its final transcript segment is no longer on transcript.segments (retention?)"
    gaps = missing(parts, totals.seen_seqs)
    if gaps:
        return f"transcript segments {gaps} are no longer on transcript.segments (retention?)"
    if parts["end"] is None:
        return "the end of its answers is no longer on answer.analysis (retention?)"
    return (
        f"{parts['end']['turn_index'] - len(parts['answers'])} of its answers are no longer on "
        "answer.analysis (retention?)"
    )
