"""The local stack: Kafka (one node, or three as in production), PostgreSQL, the worker and the
gateway on this machine.

``ib stack up | down | status`` is the command line (:mod:`dev.stack.commands`); tests and other
tools call the functions re-exported here.
"""

from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.kafka import ensure_kafka
from dev.stack.lifecycle import PartStatus, down, status, up
from dev.stack.postgres import ensure_postgres

__all__ = [
    "PartStatus",
    "StackConfig",
    "StackError",
    "down",
    "ensure_kafka",
    "ensure_postgres",
    "status",
    "up",
]
