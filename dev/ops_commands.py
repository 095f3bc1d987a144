"""``ib ops status | topics | dead-letters``: what an operator watches, from the terminal."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dev.kafka_options import Bootstrap, Prefix, bootstrap_of, prefix_of
from dev.operations import dead_letters, topic_reports
from dev.topic_inventory import topic_inventory
from topics.catalog import TOPICS, by_name

ops_app = typer.Typer(no_args_is_help=True, help="Topics, their volume and consumer lag, and dead letters.")

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


@ops_app.command("dead-letters")
def show_dead_letters(
    topic: Annotated[str, typer.Argument(help=f"An input topic, e.g. {TOPICS[1].name}.")],
    limit: Annotated[int, typer.Option(help="How many of the newest to show.")] = 20,
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """The newest dead letters of TOPIC: which message, which consumer, and why."""
    try:
        spec = by_name(topic)
    except KeyError:
        raise typer.BadParameter(f"{topic!r} is not in the topic catalog") from None
    letters = asyncio.run(dead_letters(bootstrap_of(bootstrap), spec, prefix_of(prefix), limit))
    if not letters:
        _out.print(f"no dead letters for {topic}")
        return
    table = Table("key", "source", "consumer", "attempts", "error")
    for letter in letters:
        table.add_row(
            letter.key,
            letter.source,
            letter.consumer,
            str(letter.attempts),
            f"{letter.error_type}: {letter.error_message}",
        )
    _out.print(table)
