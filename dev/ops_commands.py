"""``ib ops status | topics | dead-letters``: what an operator watches, from the terminal."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dev.dead_letter_commands import dead_letters_app
from dev.kafka_options import Bootstrap, Prefix, bootstrap_of, prefix_of
from dev.operations import topic_reports
from dev.topic_inventory import topic_inventory

ops_app = typer.Typer(no_args_is_help=True, help="Topics, their volume and consumer lag, and dead letters.")

ops_app.add_typer(dead_letters_app, name="dead-letters", help="List, show and redrive dead letters.")

_WIDTH = None if sys.stdout.isatty() else 200
_out = Console(highlight=False, width=_WIDTH, soft_wrap=True)


@ops_app.command()
def status(
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
    group: Annotated[str, typer.Option(help="Consumer group whose lag to show.")] = "interview-buddy",
) -> None:
    """Messages and consumer lag per topic, and how many dead letters each input topic has."""
    reports = asyncio.run(
        topic_reports(bootstrap_of(bootstrap), prefix_of(prefix), f"{prefix_of(prefix)}{group}")
    )
    table = Table("topic", "partitions", "messages", "lag")
    for report in reports:
        lag = "-" if report.lag is None else str(report.lag)
        style = "red" if report.name.endswith(".dlq") and report.messages else None
        table.add_row(report.name, str(report.partitions), str(report.messages), lag, style=style)
    _out.print(table)


@ops_app.command()
def topics(bootstrap: Bootstrap = None, prefix: Prefix = None) -> None:
    """Each topic's partitions, offsets, retention, size on disk and every consumer group's lag."""
    inventory = asyncio.run(topic_inventory(bootstrap_of(bootstrap), prefix_of(prefix)))
    table = Table("topic", "partitions", "offsets", "messages", "retention", "size", "lag by group")
    for topic in inventory:
        lags = ", ".join(f"{group} {lag}" for group, lag in sorted(topic.lag_by_group.items())) or "-"
        table.add_row(
            topic.name,
            str(topic.partitions),
            f"{topic.first_offset}..{topic.end_offset}",
            str(topic.messages),
            _retention(topic.cleanup_policy, topic.retention_ms),
            _size(topic.size_bytes),
            lags,
        )
    _out.print(table)


def _retention(policy: str, retention_ms: int) -> str:
    if policy == "compact":
        return "compacted"
    if retention_ms < 0:
        return "for ever"
    days = retention_ms / 86_400_000
    return f"{days:g} d" if days >= 1 else f"{retention_ms / 3_600_000:g} h"


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    value, units = size / 1000, ["kB", "MB", "GB"]
    while value >= 1000 and len(units) > 1:
        value /= 1000
        units.pop(0)
    return f"{value:.1f} {units[0]}"
