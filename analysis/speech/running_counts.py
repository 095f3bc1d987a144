"""One interview's running speech counts, folded segment by segment as the transcript grows.

The entry the speech agent keeps per interview: when each segment's last word ended (so the
pause before a segment is measured across segments; its keys are the segments counted, so a
replay counts nothing twice), the running :class:`~analysis.speech.metrics.SpeechCounts` and
the analysis run (:mod:`analysis.runs`) they belong to.
"""

from __future__ import annotations

from typing import Any

from analysis.runs import RunOrder, compare_runs, run_of
from analysis.speech.metrics import SpeechCounts, add_counts, measure_segment


def _last_word_end(segment: dict[str, Any], previous_end: float | None) -> float | None:
    """When speech last ended: a segment without words carries the previous end forward,
    so the silence it spans is still measured as one pause before the next word."""
    words = segment["words"]
    return float(words[-1]["end"]) if words else previous_end


def fold_segment(
    entry: dict[str, Any] | None, segment: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the interview's new entry, the segment's metrics). A segment counted before (a replay)
    gives its metrics again and leaves the counts as they were; one of a later analysis run
    starts the counts afresh, and one of an earlier run gives nothing: (the entry as it was, None)."""
    order = compare_runs(entry, segment)
    if order is RunOrder.EARLIER:
        return entry, None
    if order is RunOrder.LATER:
        entry = None
    ends: dict[str, float | None] = entry["ends"] if entry else {}
    counts: SpeechCounts = entry["counts"] if entry else SpeechCounts()
    seq = str(segment["seq"])
    previous_end = ends.get(str(segment["seq"] - 1))
    metrics = measure_segment(segment, previous_end)
    run = run_of(segment)
    metrics["run"] = run
    if seq not in ends:
        counts = add_counts(counts, metrics)
    ends = {**ends, seq: _last_word_end(segment, previous_end)}
    return {"ends": ends, "counts": counts, "run": run}, metrics
