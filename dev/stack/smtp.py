"""The stack's SMTP server (aiosmtpd on loopback, ``dev/smtp/run.sh``), started with the worker
and the gateway so the worker's email has somewhere to go; mail lands in
``.run/smtp/maildir-<port>/new/``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.progress import PartStatus, Report

#: The worker's default ``IB_SMTP_PORT``.
DEFAULT_PORT = 8025


def _port() -> int:
    return int(os.environ.get("IB_SMTP_PORT", DEFAULT_PORT))


def _run(cfg: StackConfig, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IB_SMTP_PORT": str(_port()), "IB_PYTHON": sys.executable}
    return subprocess.run(
        [str(cfg.repo_root / "dev" / "smtp" / "run.sh"), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _files(cfg: StackConfig) -> tuple[Path, Path]:
    folder = cfg.repo_root / ".run" / "smtp"
    return folder / f"smtp-{_port()}.pid", folder / f"smtp-{_port()}.log"


def smtp_status(cfg: StackConfig) -> PartStatus:
    pid_file, log_file = _files(cfg)
    answers = _run(cfg, "status").returncode == 0
    pid = int(pid_file.read_text()) if pid_file.is_file() else None
    detail = f"greets on 127.0.0.1:{_port()}" if answers else "stopped"
    return PartStatus("smtp", pid, _port(), answers, detail, log_file)


def ensure_smtp(cfg: StackConfig, report: Report) -> PartStatus:
    started = _run(cfg, "start")
    if started.returncode != 0:
        raise StackError(f"smtp: {started.stderr.strip()}")
    report(started.stdout.strip())
    return smtp_status(cfg)


def stop_smtp(cfg: StackConfig, report: Report) -> None:
    stopped = _run(cfg, "stop")
    report((stopped.stdout or stopped.stderr).strip())
