"""``ib reprocess``: the analyses of a range recomputed into versioned topics
(``analysis.completed.v<N>``), with a report of old against new scores; live topics, consumer
groups, the read model and users' notifications are left alone (see :mod:`dev.reprocess`)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dev.kafka_options import Bootstrap, Prefix, bootstrap_of, prefix_of
from dev.replay.bounds import BadBound, check_order, parse_bound
from dev.reprocess import run
from dev.reprocess.inputs import UnreadableInput
from dev.reprocess.output import VersionExists
from dev.reprocess.report import REPORT_SUFFIXES, ScoreChange, signed, summarize, write_report
from topics.catalog import ANALYSIS_COMPLETED, versioned_topic
from topics.codec import codec_from_settings

_out = Console(highlight=False, width=None if sys.stdout.isatty() else 200, soft_wrap=True)
_err = Console(stderr=True, highlight=False)


def reprocess(
    into_version: Annotated[
        int, typer.Option("--into-version", help="The version to write, 2 or more: <topic>.v<N>.")
    ],
    start: Annotated[
        str,
        typer.Option(
            "--from", help="The first analysis: an offset of analysis.completed, a moment (ISO 8601)."
        ),
    ] = "earliest",
    stop: Annotated[
        str, typer.Option("--to", help="The last analysis: an offset, a moment, or latest.")
    ] = "latest",
    interviews: Annotated[
        list[str] | None,
        typer.Option("--interviews", help="Only these interviews (comma-separated, or repeated)."),
    ] = None,
    reanalyze_answers: Annotated[
        bool,
        typer.Option(
            "--reanalyze-answers",
            help="Read each answer again with the configured analyzer (Claude, a call each, with a key).",
        ),
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the comparison to this .csv or .json file.")
    ] = None,
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """Recompute the analyses on analysis.completed from --from to --to (the latest of each
    interview) from their recorded transcript segments and answers, into segment.metrics.vN and
    analysis.completed.vN, and print old against new overall scores. A version is written once."""
    try:
        versioned_topic(ANALYSIS_COMPLETED, into_version)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--into-version") from None
    try:
        first, last = parse_bound(start), parse_bound(stop)
        check_order(first, last)
    except BadBound as exc:
        raise typer.BadParameter(str(exc)) from None
    chosen = sorted({name.strip() for value in interviews or [] for name in value.split(",") if name.strip()})
    if report is not None:
        if report.suffix not in REPORT_SUFFIXES:
            raise typer.BadParameter(f"{report} is neither a .csv nor a .json file", param_hint="--report")
        if not report.parent.is_dir():
            raise typer.BadParameter(f"the folder {report.parent} does not exist", param_hint="--report")
    codec = codec_from_settings(os.environ.get("IB_SCHEMA_REGISTRY_URL"))
    try:
        rows = asyncio.run(
            run.reprocess(
                bootstrap_of(bootstrap),
                prefix_of(prefix),
                into_version,
                first,
                last,
                chosen,
                codec,
                int(time.time() * 1000),
                reanalyze_answers,
            )
        )
    except (BadBound, run.NothingToReprocess, VersionExists, UnreadableInput) as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    _print_table(rows, into_version)
    if report is not None:
        write_report(report, rows, into_version)
        _err.print(f"report written to {report}")
    if any(row.new_score is None for row in rows):
        raise typer.Exit(1)


def _print_table(rows: list[ScoreChange], version: int) -> None:
    table = Table(title=f"overall score, live against version {version}")
    for column in ("interview", "run", "old", "new", "change"):
        table.add_column(column, justify="left" if column == "interview" else "right")
    for row in rows:
        new = "not recomputed: " + (row.problem or "") if row.new_score is None else f"{row.new_score:.1f}"
        table.add_row(row.interview_id, str(row.run), f"{row.old_score:.1f}", new, signed(row.change))
    _out.print(table)
    summary = summarize(rows)
    _out.print(
        f"{summary.count} recomputed, {summary.changed} changed, {summary.not_recomputed} not recomputed; "
        f"change mean {signed(summary.mean_change)}, min {signed(summary.min_change)}, "
        f"max {signed(summary.max_change)}"
    )
