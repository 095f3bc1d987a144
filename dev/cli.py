"""`ib`: the command line of Interview Buddy. Each command group lives in its own module."""

from __future__ import annotations

import logging
import os
import sys

import typer

from dev.client_commands import analyze, dev_token
from dev.ops_commands import ops_app
from dev.replay_commands import replay
from dev.reprocess_commands import reprocess
from dev.stack.commands import stack_app
from topics.log_format import LogFormatError, configure_logging, log_format_of

app = typer.Typer(help="Interview Buddy: analyse recordings of job interviews.", no_args_is_help=True)
app.add_typer(stack_app, name="stack", help="Start, check and stop the local stack.")
app.add_typer(ops_app, name="ops", help="Topic volume, consumer lag and dead letters.")
app.command("analyze")(analyze)
app.command("dev-token")(dev_token)
app.command("replay")(replay)
app.command("reprocess")(reprocess)


def main() -> None:
    # What the CLI logs (warnings of the libraries it drives) as its services do: IB_LOG_FORMAT.
    try:
        log_format = log_format_of(os.environ.get("IB_LOG_FORMAT"))
    except LogFormatError as exc:
        sys.exit(f"ib: {exc}")
    configure_logging(log_format, level=logging.WARNING)
    app()
