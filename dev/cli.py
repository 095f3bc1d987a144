"""`ib`: the command line of Interview Buddy. Each command group lives in its own module."""

from __future__ import annotations

import typer

from dev.client_commands import analyze, dev_token
from dev.ops_commands import ops_app
from dev.replay_commands import replay
from dev.reprocess_commands import reprocess
from dev.stack.commands import stack_app

app = typer.Typer(help="Interview Buddy: analyse recordings of job interviews.", no_args_is_help=True)
app.add_typer(stack_app, name="stack", help="Start, check and stop the local stack.")
app.add_typer(ops_app, name="ops", help="Topic volume, consumer lag and dead letters.")
app.command("analyze")(analyze)
app.command("dev-token")(dev_token)
app.command("replay")(replay)
app.command("reprocess")(reprocess)


def main() -> None:
    app()
