"""Runs the real worker (`python -m streams`) and gateway (`python -m gateway`) as child
processes, for the tests and the benches.

Each pair gets its own topic prefix (and so its own app id) and run folder, so its topics,
consumer group and changelogs are its own, and its own ports for the readiness checks.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from dev.stack.config import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: The levels :meth:`ServiceProcess.problems` keeps.
PROBLEM_LEVELS = ("WARNING", "ERROR", "CRITICAL")


def json_log_record(line: str) -> dict[str, Any] | None:
    """A line of a JSON log (``topics.log_format``) as its record; None for any other line."""
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


#: Every prefix :func:`new_prefix` gave in this process, so that a test session can delete the
#: topics of them all at its end, those of a test that failed before deleting its own included
#: (each partition holds a file open in the broker: left behind, they run it out of files).
PREFIXES_GIVEN: set[str] = set()


def new_prefix() -> str:
    """A prefix unique to one test's stack (``t-1a2b3c4d-``), for its topic names and groups."""
    prefix = f"t-{uuid.uuid4().hex[:8]}-"
    PREFIXES_GIVEN.add(prefix)
    return prefix


@dataclass
class ServiceProcess:
    """One `python -m MODULE` child with the IB_* environment of its own stack (topic prefix, run folder)."""

    module: str
    topic_prefix: str
    run_dir: Path
    kafka_bootstrap: str
    database_url: str
    port: int = field(default_factory=free_port)
    health_path: str = "/"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.run_dir / f"{self.module}-{self.port}.log"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "IB_TOPIC_PREFIX": self.topic_prefix,
            "IB_RUN_DIR": str(self.run_dir),
            "IB_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "IB_DATABASE_URL": self.database_url,
            "IB_WORKER_WEB_PORT": str(self.port),
            "IB_GATEWAY_PORT": str(self.port),
            "IB_GATEWAY_URL": self.url,
            **self.extra_env,
        }

    def start(self, timeout: float = 120.0) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                cwd=REPO_ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.module} exited with {self.process.returncode}; log:\n{self.log_tail()}"
                )
            try:
                if httpx.get(self.url + self.health_path, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.module} not ready after {timeout}s; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def problems(self, limit: int = 120) -> str:
        """The log's warnings, errors and tracebacks, so a failed test shows why (CI keeps no files)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        kept: list[str] = []
        in_traceback = False
        for line in lines:
            record = json_log_record(line)
            if record is not None:  # a JSON line holds its record's exception whole
                in_traceback = False
                if record.get("level") in PROBLEM_LEVELS:
                    kept.append(line)
                continue
            starts_record = line.startswith("[")
            if starts_record:
                in_traceback = "[ERROR]" in line or "[WARNING]" in line or "[CRITICAL]" in line
            if in_traceback or line.startswith("Traceback"):
                in_traceback = True
                kept.append(line)
        return "\n".join(kept[-limit:]) or "(no warnings or errors logged)"

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no offsets committed, no clean leave: a crash."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()


def worker_process(prefix: str, run_dir: Path, kafka_bootstrap: str, database_url: str) -> ServiceProcess:
    return ServiceProcess("streams", prefix, run_dir, kafka_bootstrap, database_url, health_path="/")


def gateway_process(prefix: str, run_dir: Path, kafka_bootstrap: str, database_url: str) -> ServiceProcess:
    return ServiceProcess("gateway", prefix, run_dir, kafka_bootstrap, database_url, health_path="/healthz")
