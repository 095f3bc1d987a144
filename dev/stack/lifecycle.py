"""``up``, ``down`` and ``status`` of the whole stack, for the CLI, tests and other tools."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator

from dev.stack.apps import app_pid, app_problems, app_specs, app_status, ensure_app, stop_app
from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.kafka import ensure_kafka, kafka_problems, kafka_statuses, node_pid, stop_kafka
from dev.stack.postgres import (
    ensure_postgres,
    postgres_pid,
    postgres_problems,
    postgres_status,
    stop_postgres,
)
from dev.stack.progress import PartStatus, Report, log_report
from dev.stack.smtp import ensure_smtp, smtp_status, stop_smtp

LOCK_TIMEOUT_S = 600.0

__all__ = ["PartStatus", "down", "preflight", "status", "up"]


@contextlib.contextmanager
def stack_lock(cfg: StackConfig, report: Report) -> Iterator[None]:
    """One ``up`` or ``down`` at a time per run directory: others on this machine may run them too."""
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    with open(cfg.lock_file, "a+") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    report("waiting for another `ib stack` command on this run directory to finish ...")
                    told = True
                if time.monotonic() > deadline:
                    raise StackError(
                        f"another `ib stack` command holds {cfg.lock_file}; try again later"
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def preflight(cfg: StackConfig, *, services_only: bool) -> list[str]:
    """Every reason the parts that are not running yet could not start (ports, missing tools)."""
    problems = []
    if any(node_pid(node) is None for node in cfg.kafka_nodes):
        problems += kafka_problems(cfg)
    if postgres_pid(cfg) is None:
        problems += postgres_problems(cfg)
    if not services_only:
        for spec in app_specs(cfg):
            if app_pid(cfg, spec) is None:
                problems += app_problems(cfg, spec)
    return problems


def up(
    cfg: StackConfig | None = None, *, services_only: bool = False, report: Report = log_report
) -> list[PartStatus]:
    """Start what is not running (Kafka's nodes, PostgreSQL, then the SMTP server, the worker
    and the gateway); idempotent."""
    cfg = cfg or StackConfig.from_env()
    with stack_lock(cfg, report):
        problems = preflight(cfg, services_only=services_only)
        if problems:
            raise StackError("nothing was started:\n" + "\n".join(f"  - {problem}" for problem in problems))
        parts = [*ensure_kafka(cfg, report), ensure_postgres(cfg, report)]
        if not services_only:
            parts.append(ensure_smtp(cfg, report))
            parts += [ensure_app(cfg, spec, report) for spec in app_specs(cfg)]
        return parts


def down(cfg: StackConfig | None = None, report: Report = log_report) -> None:
    """Stop every part this stack started, the applications before the services they use."""
    cfg = cfg or StackConfig.from_env()
    with stack_lock(cfg, report):
        for spec in reversed(app_specs(cfg)):
            stop_app(cfg, spec, report)
        stop_smtp(cfg, report)
        stop_postgres(cfg, report)
        stop_kafka(cfg, report)


def status(cfg: StackConfig | None = None, *, services_only: bool = False) -> list[PartStatus]:
    cfg = cfg or StackConfig.from_env()
    parts = [*kafka_statuses(cfg), postgres_status(cfg)]
    if not services_only:
        parts.append(smtp_status(cfg))
        parts += [app_status(cfg, spec) for spec in app_specs(cfg)]
    return parts
