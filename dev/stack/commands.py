"""``ib stack up | down | status``."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dev.stack import lifecycle
from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.processes import tail

stack_app = typer.Typer(no_args_is_help=True, help="Start, check and stop the local stack.")

ServicesOnly = Annotated[
    bool,
    typer.Option("--services-only", help="Only Kafka and PostgreSQL, not the worker and the gateway."),
]

Brokers = Annotated[
    int,
    typer.Option(
        "--brokers",
        min=1,
        max=3,
        help="Kafka nodes: 1, or 3 as in production (every topic on all three, a write acknowledged "
        "by two). `status` and `down` find them all.",
    ),
]

# Without a terminal (make, CI) rich would wrap at 80 columns and cut paths in the table.
_WIDTH = None if sys.stdout.isatty() else 200
_out = Console(highlight=False, width=_WIDTH, soft_wrap=True)
_err = Console(stderr=True, highlight=False, width=_WIDTH, soft_wrap=True)


def _say(line: str) -> None:
    _out.print(line, markup=False)


def _fail(what: str, exc: StackError) -> None:
    _err.print(f"[bold red]ib stack {what} failed:[/] ", end="")
    _err.print(str(exc), markup=False)
    raise typer.Exit(code=1)


@stack_app.command()
def up(services_only: ServicesOnly = False, brokers: Brokers | None = None) -> None:
    """Start Kafka, PostgreSQL, the worker and the gateway (what already runs is left alone)."""
    cfg = StackConfig.from_env()
    if brokers is not None:
        cfg = dataclasses.replace(cfg, brokers=brokers)
    try:
        lifecycle.up(cfg, services_only=services_only, report=_say)
    except StackError as exc:
        _fail("up", exc)
    _say(f"stack is up: Kafka {cfg.kafka_bootstrap}, PostgreSQL {cfg.database_url}")
    if not services_only:
        _say(f"gateway: {cfg.gateway_url}")


@stack_app.command()
def down() -> None:
    """Stop everything `ib stack up` started (SIGTERM, then SIGKILL after a timeout)."""
    try:
        lifecycle.down(report=_say)
    except StackError as exc:
        _fail("down", exc)


@stack_app.command()
def status(services_only: ServicesOnly = False) -> None:
    """Show each part's pid, port and health; exit code 1 when a part is not healthy."""
    parts = lifecycle.status(services_only=services_only)
    table = Table(title=f"Interview Buddy stack ({StackConfig.from_env().run_dir})")
    for column in ("part", "state", "pid", "port", "health", "log"):
        table.add_column(column)
    for part in parts:
        state = (
            "[green]up[/]" if part.healthy else ("[yellow]unhealthy[/]" if part.running else "[red]down[/]")
        )
        table.add_row(part.name, state, str(part.pid or "-"), str(part.port), part.detail, str(part.log_file))
    _out.print(table)
    if not all(part.healthy for part in parts):
        raise typer.Exit(code=1)


@stack_app.command()
def logs(lines: Annotated[int, typer.Option(help="How many lines of each log.")] = 30) -> None:
    """Print the end of every part's log (and of the stack's own setup logs)."""
    cfg = StackConfig.from_env()
    files = [part.log_file for part in lifecycle.status(cfg)]
    files += sorted(path for path in cfg.logs_dir.glob("*.log") if path not in files)
    for path in files:
        _out.print(f"--- {path}", markup=False)
        _out.print(tail(path, lines), markup=False)
