"""How the stack tells its caller what it is doing, and what a part's state is."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Receives one line per step ("kafka: started (pid 123) ..."); the CLI prints it, tests log it.
Report = Callable[[str], None]

_log = logging.getLogger("dev.stack")


def log_report(line: str) -> None:
    _log.info(line)


@dataclass(frozen=True)
class PartStatus:
    """One part of the stack as ``ib stack status`` shows it."""

    name: str
    pid: int | None
    port: int
    healthy: bool
    detail: str
    log_file: Path

    @property
    def running(self) -> bool:
        return self.pid is not None
