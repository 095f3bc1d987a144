"""Detached child processes with pidfiles: start, recognise, wait for, stop."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import psutil

from dev.stack.errors import StackError

POLL_INTERVAL_S = 0.25

#: Children started by this process. Holding them keeps ``Popen.__del__`` from warning that a
#: detached child "is still running" (a ResourceWarning, an error under pytest), and lets us reap them.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def spawn_detached(
    command: Sequence[str],
    *,
    log_file: Path,
    env: Mapping[str, str],
    cwd: Path,
) -> int:
    """Start ``command`` in its own session, output appended to ``log_file``; return its pid.

    Its own session keeps it alive after the calling shell exits and out of reach of a Ctrl-C
    meant for ``make``.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log, open(os.devnull, "rb") as devnull:
        process = subprocess.Popen(
            list(command),
            stdin=devnull,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
            preexec_fn=as_many_open_files_as_allowed,
        )
    _CHILDREN[process.pid] = process
    return process.pid


def as_many_open_files_as_allowed() -> None:
    """Raise the open-file limit to the hard one: Kafka holds a file open per partition, and a
    soft limit of 1024 (many machines' default) runs a test broker out of them."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def write_pidfile(path: Path, pid: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f"{pid}\n")
    tmp.replace(path)


def read_pidfile(path: Path) -> int | None:
    """The first line of a pidfile as a pid (PostgreSQL's postmaster.pid has the same first line)."""
    try:
        first = path.read_text().splitlines()[0].strip()
    except (FileNotFoundError, IndexError, PermissionError):
        return None
    return int(first) if first.isdigit() else None


def is_alive(pid: int) -> bool:
    reap(pid)
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def reap(pid: int) -> None:
    """Collect the exit status if ``pid`` is our own child, so it does not stay a zombie."""
    process = _CHILDREN.get(pid)
    if process is not None and process.poll() is not None:
        del _CHILDREN[pid]


def matches(pid: int, markers: Sequence[str]) -> bool:
    """True when process ``pid`` is alive and its command line contains every marker.

    Pids are reused: a pidfile alone does not prove the process is still ours.
    """
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        command = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return all(marker in command for marker in markers)


def running_pid(pidfile: Path, markers: Sequence[str]) -> int | None:
    """The pid in ``pidfile`` if that process is alive and is the one we started."""
    pid = read_pidfile(pidfile)
    if pid is not None and matches(pid, markers):
        return pid
    return None


def wait_for_service(
    condition: Callable[[], bool],
    *,
    timeout_s: float,
    still_starting: Callable[[], bool] = lambda: True,
) -> bool:
    """A service coming up: poll ``condition`` until it holds (True), or ``timeout_s`` passes or
    the process died (False). (Tests wait on conditions with ``dev.polling.wait_until``.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline or not still_starting():
            return condition()
        time.sleep(POLL_INTERVAL_S)


def stop_process(pid: int, *, timeout_s: float, first_signal: int = signal.SIGTERM) -> bool:
    """Send ``first_signal`` to ``pid`` and its descendants, then SIGKILL what is left after ``timeout_s``.

    Returns True when it stopped by itself, False when it had to be killed.
    """
    targets = _targets(pid)
    _signal_all(targets, first_signal)
    _, alive = psutil.wait_procs(targets, timeout=timeout_s)
    reap(pid)
    if not alive:
        return True
    _signal_all(alive, signal.SIGKILL)
    psutil.wait_procs(alive, timeout=5)
    reap(pid)
    return False


def _targets(pid: int) -> list[psutil.Process]:
    try:
        leader = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    return [leader, *leader.children(recursive=True)]


def _signal_all(processes: Sequence[psutil.Process], signum: int) -> None:
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signum)


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file, for error messages."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 16_384))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return "(no log written)"
    return "\n".join(text.splitlines()[-lines:])


def run_checked(
    command: Sequence[str],
    *,
    what: str,
    log_file: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    new_session: bool = False,
) -> None:
    """Run a short-lived setup command, its output appended to ``log_file``; raise a clear error."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        log.write(f"\n$ {' '.join(command)}\n".encode())
        log.flush()
        result = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            cwd=cwd,
            env=None if env is None else dict(env),
            start_new_session=new_session,
        )
    if result.returncode != 0:
        raise StackError(f"{what} failed (exit code {result.returncode}); see {log_file}:\n{tail(log_file)}")
