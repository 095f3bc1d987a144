"""The options every `ib` command that talks to Kafka takes: where the broker is and which topic
prefix (a test's or a replay's) the catalog's names carry."""

from __future__ import annotations

import os
from typing import Annotated

import typer

Bootstrap = Annotated[str | None, typer.Option(help="Kafka bootstrap servers (default: IB_KAFKA_BOOTSTRAP).")]
Prefix = Annotated[str | None, typer.Option(help="Topic prefix (default: IB_TOPIC_PREFIX).")]


def bootstrap_of(value: str | None) -> str:
    return value or os.environ.get("IB_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def prefix_of(value: str | None) -> str:
    return value if value is not None else os.environ.get("IB_TOPIC_PREFIX", "")
