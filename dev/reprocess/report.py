"""Old against new: each interview's overall score before and after a reprocessing, and a
summary (how many, how many changed, the mean, smallest and largest change); as a table, CSV
or JSON. Pure but for the file written."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import fmean

#: The report's file formats, by the suffix of ``--report``.
REPORT_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class ScoreChange:
    interview_id: str
    run: int
    old_score: float
    #: None when the interview could not be recomputed (``problem`` says why).
    new_score: float | None
    problem: str | None = None

    @property
    def change(self) -> float | None:
        return None if self.new_score is None else round(self.new_score - self.old_score, 1)


@dataclass(frozen=True)
class Summary:
    count: int
    changed: int
    not_recomputed: int
    mean_change: float | None
    min_change: float | None
    max_change: float | None


def summarize(rows: Sequence[ScoreChange]) -> Summary:
    changes = [row.change for row in rows if row.change is not None]
    return Summary(
        count=len(changes),
        changed=sum(1 for change in changes if change != 0),
        not_recomputed=len(rows) - len(changes),
        mean_change=round(fmean(changes), 2) if changes else None,
        min_change=min(changes) if changes else None,
        max_change=max(changes) if changes else None,
    )


def report_document(rows: Sequence[ScoreChange], version: int) -> dict[str, object]:
    return {
        "version": version,
        "interviews": [asdict(row) | {"change": row.change} for row in rows],
        "summary": asdict(summarize(rows)),
    }


def write_report(path: Path, rows: Sequence[ScoreChange], version: int) -> None:
    """The report as CSV (one row per interview; the summary is the table's to compute) or JSON
    (the rows and the summary), by ``path``'s suffix."""
    if path.suffix == ".json":
        path.write_text(json.dumps(report_document(rows, version), indent=2) + "\n", encoding="utf-8")
        return
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["interview_id", "run", "old_score", "new_score", "change", "problem"])
        for row in rows:
            writer.writerow(
                [row.interview_id, row.run, row.old_score, row.new_score, row.change, row.problem or ""]
            )


def signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"
