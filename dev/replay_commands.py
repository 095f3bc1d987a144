"""``ib replay``: a topic's records between two offsets or moments, decoded, into a JSON lines
or Parquet file, for analysts; read without a consumer group, so live consumers never notice."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dev.kafka_options import Bootstrap, Prefix, bootstrap_of, prefix_of
from dev.replay.avro_arrow import import_native_reader
from dev.replay.bounds import BadBound, Bound, check_order, parse_bound
from dev.replay.parquet_writer import ParquetWriteFailed
from dev.replay.reader import Replay
from dev.replay.writers import Format, open_writer
from topics.catalog import ALL_TOPICS, by_name
from topics.codec import codec_from_settings

_err = Console(stderr=True, highlight=False)


def replay(
    topic: Annotated[
        str, typer.Argument(help="A catalog topic, e.g. analysis.completed or transcript.segments.dlq.")
    ],
    out: Annotated[Path, typer.Option("--out", help="The file to write (replaced if it exists).")],
    start: Annotated[
        str, typer.Option("--from", help="An offset, a moment (ISO 8601, UTC unless it says), or earliest.")
    ] = "earliest",
    stop: Annotated[
        str, typer.Option("--to", help="The last offset or moment to include, or latest (what is there now).")
    ] = "latest",
    partition: Annotated[
        list[int] | None, typer.Option("--partition", help="Only this partition (repeatable).")
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    bootstrap: Bootstrap = None,
    prefix: Prefix = None,
) -> None:
    """Write TOPIC's records from --from to --to, decoded, with key, partition, offset, timestamp
    and headers, to --out. Offsets bound each partition alike; a record that does not decode is
    written with its error and its bytes."""
    try:
        spec = by_name(topic)
    except KeyError:
        names = ", ".join(spec.name for spec in ALL_TOPICS)
        raise typer.BadParameter(f"{topic!r} is not in the topic catalog; it has {names}") from None
    try:
        first, last = parse_bound(start), parse_bound(stop)
        check_order(first, last)
    except BadBound as exc:
        raise typer.BadParameter(str(exc)) from None
    if not out.parent.is_dir():
        raise typer.BadParameter(f"the folder {out.parent} does not exist", param_hint="--out")
    try:
        written = asyncio.run(
            _replay(
                bootstrap_of(bootstrap),
                spec.full_name(prefix_of(prefix)),
                spec.value_schema,
                first,
                last,
                partition,
                output_format,
                out,
            )
        )
    except BadBound as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    except ParquetWriteFailed as exc:
        _err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    _err.print(f"{written} records of {spec.full_name(prefix_of(prefix))} written to {out}")


@contextmanager
def objects_made_so_far_frozen() -> Iterator[None]:
    """The objects made before the first record (modules, schemas, clients: ~90,000) live as long
    as the process; frozen for the replay, the cyclic GC's full collections, which the records in
    flight set off, do not walk them each time (~0.05 s of a Parquet replay's CPU in 50,000
    segments, holding the GIL). Unfrozen after, so a caller's process is as it was (unless it had
    frozen objects of its own: those cannot be told apart, so all stay frozen)."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


async def _replay(
    bootstrap: str,
    topic: str,
    value_schema: str,
    start: Bound,
    stop: Bound,
    partitions: list[int] | None,
    output_format: Format,
    out: Path,
) -> int:
    with objects_made_so_far_frozen():
        if output_format == "parquet":
            threading.Thread(target=import_native_reader, name="ib-replay-import", daemon=True).start()
        codec = codec_from_settings(os.environ.get("IB_SCHEMA_REGISTRY_URL"))
        async with Replay(bootstrap, topic, value_schema, codec) as source:
            ranges = await source.ranges(start, stop, partitions)
            total = sum(part.size for part in ranges)
            writer = open_writer(output_format, out, topic, value_schema, codec)
            written = 0
            progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=_err,
                disable=not sys.stderr.isatty(),
            )
            try:
                with progress:
                    task = progress.add_task(f"replaying {topic}", total=total)
                    async for fetched in source.fetched(ranges):
                        writer.write_fetched(fetched)
                        written += len(fetched)
                        progress.advance(task, len(fetched))
            finally:
                writer.close()
            return written
