"""``ib ops dead-letters list | show | redrive``: what failed, why, and sending it back once the
cause is fixed."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dev.dead_letter_redrive import Selection, read_all, redrive
from dev.kafka_options import Bootstrap, Prefix, bootstrap_of, prefix_of
from dev.operations import dead_letters
from topics.catalog import TOPICS, TopicSpec, by_name, dead_letter_topic
from topics.codec import AvroCodec
from topics.errors import SerializationError

dead_letters_app = typer.Typer(no_args_is_help=True, help="List, show and redrive dead letters.")
_out = Console(highlight=False, width=None if sys.stdout.isatty() else 200, soft_wrap=True)

Topic = Annotated[str, typer.Argument(help=f"An input topic, e.g. {TOPICS[1].name}.")]


def _input_topic(topic: str) -> TopicSpec:
    try:
        spec = by_name(topic)
    except KeyError:
        raise typer.BadParameter(f"{topic!r} is not in the topic catalog") from None
    if not spec.has_dead_letters:
        raise typer.BadParameter(f"{topic} has no dead-letter topic")
    return spec


@dead_letters_app.command("list")
def list_letters(
    topic: Topic,
    limit: Annotated[int, typer.Option(help="How many of the newest to show.")] = 20,
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """The newest dead letters of TOPIC: where each is, which message, which consumer, and why."""
    spec = _input_topic(topic)
    letters = asyncio.run(dead_letters(bootstrap_of(bootstrap), spec, prefix_of(prefix), limit))
    if not letters:
        _out.print(f"no dead letters for {topic}")
        return
    table = Table("letter", "key", "source", "consumer", "attempts", "error")
    for letter in letters:
        table.add_row(
            f"{letter.partition}:{letter.offset}",
            letter.key,
            letter.source,
            letter.consumer,
            str(letter.attempts),
            f"{letter.error_type}: {letter.error_message}",
        )
    _out.print(table)


@dead_letters_app.command("show")
def show_letter(
    topic: Topic,
    letter: Annotated[
        str, typer.Argument(help="PARTITION:OFFSET on the dead-letter topic, as `list` shows.")
    ],
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """One dead letter in full, with the message it holds decoded when it decodes."""
    spec = _input_topic(topic)
    partition, offset = _coordinates(letter)
    dlq = dead_letter_topic(spec)
    codec = AvroCodec()
    found = asyncio.run(
        read_all(
            bootstrap_of(bootstrap),
            dlq.full_name(prefix_of(prefix)),
            codec,
            dlq.value_schema,
            Selection(partition, offset, offset),
        )
    )
    if not found:
        _out.print(f"[red]no dead letter at {letter} of {dlq.name}[/red]")
        raise typer.Exit(1)
    record = found[0].record
    for field in ("source_topic", "source_partition", "source_offset", "consumer", "attempts", "failed_at"):
        _out.print(f"{field:17} {record[field]}")
    _out.print(f"{'key':17} {(record['key'] or b'').decode(errors='replace')}")
    _out.print(f"{'error':17} {record['error_type']}: {record['error_message']}")
    try:
        _out.print_json(data=codec.decode(record["value"], spec.value_schema), default=str)
    except SerializationError as exc:
        _out.print(f"{'message':17} {len(record['value'] or b'')} bytes that do not decode ({exc})")


@dead_letters_app.command("redrive")
def redrive_letters(
    topic: Topic,
    letter: Annotated[str | None, typer.Argument(help="PARTITION:OFFSET of one letter.")] = None,
    partition: Annotated[int | None, typer.Option(help="Only this partition's letters.")] = None,
    first: Annotated[int | None, typer.Option("--from", help="With --partition: the first offset.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="With --partition: the last offset.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every letter of the topic.")] = False,
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """Send dead letters back to TOPIC once their cause is fixed: one, a range, or all. A letter
    already sent back is not sent again."""
    spec = _input_topic(topic)
    if (first is not None or last is not None) and partition is None:
        raise typer.BadParameter("--from and --to need --partition (offsets are per partition)")
    if letter is not None:
        at, offset = _coordinates(letter)
        selection = Selection(at, offset, offset)
    elif every:
        selection = Selection()
    elif partition is not None:
        selection = Selection(partition, first, last)
    else:
        raise typer.BadParameter("say which letters: PARTITION:OFFSET, --partition [--from --to], or --all")
    report = asyncio.run(redrive(bootstrap_of(bootstrap), spec, prefix_of(prefix), selection))
    for ledger_id in report.redriven:
        _out.print(f"sent back {ledger_id}")
    for ledger_id in report.already:
        _out.print(f"already sent back before, not again: {ledger_id}")
    _out.print(f"{len(report.redriven)} sent back to {topic}, {len(report.already)} had been before")


def _coordinates(text: str) -> tuple[int, int]:
    partition, _, offset = text.partition(":")
    if not (partition.isdigit() and offset.isdigit()):
        raise typer.BadParameter(f"{text!r} is not PARTITION:OFFSET (e.g. 3:120)")
    return int(partition), int(offset)
