"""Who holds a TCP port: checked before anything starts, so a clash is reported, not suffered."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

import psutil


def port_is_free(host: str, port: int) -> bool:
    """True when a listener could bind ``host:port`` now.

    SO_REUSEADDR makes connections lingering in TIME_WAIT not count, as they don't stop a server
    from binding either; a listener on the wildcard address still makes the bind fail.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def listener_pids(port: int) -> set[int]:
    """Pids of the processes listening on ``port`` (empty when the system does not tell us)."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, PermissionError):
        return set()
    return {
        conn.pid
        for conn in connections
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid
    }


def describe_process(pid: int) -> str:
    """``pid 123 (java -cp ... kafka.Kafka ...)``, shortened, for error messages."""
    try:
        command = " ".join(psutil.Process(pid).cmdline()) or psutil.Process(pid).name()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return f"pid {pid}"
    if len(command) > 120:
        command = command[:117] + "..."
    return f"pid {pid} ({command})"


def process_tree(pid: int) -> set[int]:
    """``pid`` and all its descendants: a server's listener may be a child of the process we started."""
    try:
        parent = psutil.Process(pid)
        return {pid, *(child.pid for child in parent.children(recursive=True))}
    except psutil.NoSuchProcess:
        return set()


@dataclass(frozen=True)
class PortClash:
    """A port a part needs is held by something that is not this stack's."""

    part: str
    host: str
    port: int
    holders: tuple[str, ...]

    def message(self) -> str:
        who = ", ".join(self.holders) if self.holders else "another process"
        return (
            f"{self.part}: port {self.host}:{self.port} is already in use by {who}, "
            "which this stack did not start"
        )


def find_clash(part: str, host: str, port: int, our_pid: int | None) -> PortClash | None:
    """The clash on ``host:port`` for ``part``, or None when the port is free or held by our own process."""
    if port_is_free(host, port):
        return None
    holders = listener_pids(port)
    if our_pid is not None and (not holders or holders <= process_tree(our_pid)):
        return None
    return PortClash(part, host, port, tuple(describe_process(pid) for pid in sorted(holders)))
