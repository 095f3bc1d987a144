"""The project's own long-running processes: the Faust worker and the gateway."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.ports import find_clash
from dev.stack.processes import (
    is_alive,
    running_pid,
    spawn_detached,
    stop_process,
    tail,
    wait_for_service,
    write_pidfile,
)
from dev.stack.progress import PartStatus, Report, log_report


@dataclass(frozen=True)
class AppSpec:
    """One application process: started as ``python -m <module>``, healthy when ``health_url`` says 200."""

    name: str
    module: str
    port: int
    health_url: str
    port_setting: str

    def pid_file(self, cfg: StackConfig) -> Path:
        return cfg.logs_dir / f"{self.name}.pid"

    def log_file(self, cfg: StackConfig) -> Path:
        return cfg.logs_dir / f"{self.name}.log"

    def command(self) -> list[str]:
        return [sys.executable, "-m", self.module]

    @property
    def marker(self) -> str:
        return f"-m {self.module}"


def app_specs(cfg: StackConfig) -> tuple[AppSpec, ...]:
    """Worker first: the gateway's health check wants Kafka and PostgreSQL, the worker makes topics."""
    return (
        AppSpec("worker", "streams", cfg.worker_port, cfg.worker_url, "IB_WORKER_WEB_PORT"),
        AppSpec("gateway", "gateway", cfg.gateway_port, f"{cfg.gateway_url}/healthz", "IB_GATEWAY_PORT"),
    )


def http_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        return httpx.get(url, timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def app_pid(cfg: StackConfig, spec: AppSpec) -> int | None:
    return running_pid(spec.pid_file(cfg), (spec.marker,))


def app_status(cfg: StackConfig, spec: AppSpec) -> PartStatus:
    pid = app_pid(cfg, spec)
    healthy = http_ok(spec.health_url)
    if healthy and pid is None:
        detail = "answers, but was not started by this stack"
    elif healthy:
        detail = f"{spec.health_url} answers 200"
    elif pid is not None:
        detail = f"running, but {spec.health_url} does not answer 200"
    else:
        detail = "stopped"
    return PartStatus(spec.name, pid, spec.port, healthy and pid is not None, detail, spec.log_file(cfg))


def app_problems(cfg: StackConfig, spec: AppSpec) -> list[str]:
    clash = find_clash(spec.name, cfg.host, spec.port, None)
    if clash:
        return [clash.message() + f"; stop it, or choose another port with {spec.port_setting}"]
    return []


def ensure_app(cfg: StackConfig, spec: AppSpec, report: Report = log_report) -> PartStatus:
    pid = app_pid(cfg, spec)
    if pid is not None and http_ok(spec.health_url):
        report(f"{spec.name}: already running (pid {pid})")
        return app_status(cfg, spec)
    if pid is None:
        problems = app_problems(cfg, spec)
        if problems:
            raise StackError("\n".join(problems))
        pid = spawn_detached(
            spec.command(), log_file=spec.log_file(cfg), env=cfg.child_environment(), cwd=cfg.repo_root
        )
        write_pidfile(spec.pid_file(cfg), pid)
        report(
            f"{spec.name}: started `python -m {spec.module}` (pid {pid}), waiting for {spec.health_url} ..."
        )
    started = pid
    alive = lambda: is_alive(started)  # noqa: E731
    if not wait_for_service(
        lambda: http_ok(spec.health_url), timeout_s=cfg.app_start_timeout_s, still_starting=alive
    ):
        state = "exited" if not alive() else f"did not answer within {cfg.app_start_timeout_s:.0f} s"
        log = spec.log_file(cfg)
        raise StackError(f"{spec.name}: `python -m {spec.module}` {state}; see {log}:\n{tail(log)}")
    report(f"{spec.name}: healthy at {spec.health_url}")
    return app_status(cfg, spec)


def stop_app(cfg: StackConfig, spec: AppSpec, report: Report) -> None:
    pid = app_pid(cfg, spec)
    if pid is None:
        report(f"{spec.name}: not running")
        spec.pid_file(cfg).unlink(missing_ok=True)
        return
    report(f"{spec.name}: stopping (pid {pid}) ...")
    graceful = stop_process(pid, timeout_s=cfg.stop_timeout_s)
    spec.pid_file(cfg).unlink(missing_ok=True)
    report(f"{spec.name}: stopped" if graceful else f"{spec.name}: killed after it ignored SIGTERM")
