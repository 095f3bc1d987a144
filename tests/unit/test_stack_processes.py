from __future__ import annotations

import os
import sys
from pathlib import Path

from dev.stack import processes

SLEEPER = "import time; print('ready', flush=True); time.sleep(120)"
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(120)"
)


def _spawn(tmp_path: Path, code: str) -> int:
    log = tmp_path / "child.log"
    pid = processes.spawn_detached([sys.executable, "-c", code], log_file=log, env=os.environ, cwd=tmp_path)
    assert processes.wait_for_service(lambda: "ready" in log.read_text(), timeout_s=20)
    return pid


def test_pidfile_round_trip(tmp_path: Path) -> None:
    pidfile = tmp_path / "x.pid"
    assert processes.read_pidfile(pidfile) is None
    processes.write_pidfile(pidfile, 4242)
    assert processes.read_pidfile(pidfile) == 4242


def test_a_detached_child_is_recognised_by_its_command_line(tmp_path: Path) -> None:
    pid = _spawn(tmp_path, SLEEPER)
    try:
        processes.write_pidfile(tmp_path / "x.pid", pid)
        assert os.getsid(pid) == pid  # its own session: a Ctrl-C for make does not reach it
        assert processes.running_pid(tmp_path / "x.pid", ("time.sleep(120)",)) == pid
        assert processes.running_pid(tmp_path / "x.pid", ("kafka.Kafka",)) is None  # a reused pid is not ours
    finally:
        assert processes.stop_process(pid, timeout_s=10)
    assert not processes.is_alive(pid)
    assert processes.running_pid(tmp_path / "x.pid", ("time.sleep(120)",)) is None


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    pid = _spawn(tmp_path, STUBBORN)
    assert processes.stop_process(pid, timeout_s=0.5) is False
    assert not processes.is_alive(pid)


def test_waiting_ends_when_the_process_dies(tmp_path: Path) -> None:
    log = tmp_path / "quick.log"
    pid = processes.spawn_detached(
        [sys.executable, "-c", "raise SystemExit(3)"], log_file=log, env=os.environ, cwd=tmp_path
    )
    healthy = processes.wait_for_service(
        lambda: False, timeout_s=60, still_starting=lambda: processes.is_alive(pid)
    )
    assert healthy is False


def test_tail_shows_the_end_of_a_log(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("".join(f"line {n}\n" for n in range(100)))
    assert processes.tail(log, 3) == "line 97\nline 98\nline 99"
    assert "no log" in processes.tail(tmp_path / "missing.log")
