"""A worker killed with SIGKILL again and again at random moments and started again each time,
like Faust's own stress killer, for the kill-storm test and bench.

The moments come from a seeded generator, so a storm that found a fault can be replayed with
its seed. Each gap is counted from the moment the restarted worker is at work (Faust logs its
worker ready once the group has given it partitions and its tables are recovered): counted
from the process start, most kills would land while it creates its topics, before it has
done anything to be cut off.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dev.polling import holds_within, wait_until
from dev.service_processes import ServiceProcess

#: Seconds between two kills, drawn uniformly (Faust's stress killer uses the same spread).
GAP_SECONDS = (0.5, 10.0)
#: What Faust logs when the worker has joined its group and recovered its tables.
WORKER_READY = "[^Worker]: Ready"
#: A worker not at work this long after its start has a fault of its own.
READY_SECONDS = 180.0


def log_size(worker: ServiceProcess) -> int:
    try:
        return worker.log_path.stat().st_size
    except FileNotFoundError:
        return 0


def wait_working(worker: ServiceProcess, logged_before: int = 0) -> None:
    """Until ``worker`` has joined its group and recovered its tables: Faust says so in the
    log, after the ``logged_before`` bytes an earlier run of it wrote there."""

    def working() -> bool:
        with worker.log_path.open("rb") as log:
            log.seek(logged_before)
            return WORKER_READY.encode() in log.read()

    wait_until(working, READY_SECONDS, f"{worker.module} at work")


def start_until_working(worker: ServiceProcess) -> None:
    """Start ``worker`` and wait until it is at work."""
    logged_before = log_size(worker)
    worker.start()
    wait_working(worker, logged_before)


@dataclass
class KillStorm:
    """SIGKILLs ``worker`` and starts it again, up to ``max_kills`` times or until ``done()``."""

    worker: ServiceProcess
    seed: int
    max_kills: int
    gaps: list[float] = field(default_factory=list)
    """The gap before each kill, in order: what a replay with the same seed goes through."""

    def run(self, done: Callable[[], bool]) -> int:
        """Storm until ``done()`` holds or every kill is spent; the number of kills made. The
        worker is expected at work when the storm starts."""
        moments = random.Random(self.seed)
        kills = 0
        while kills < self.max_kills:
            gap = moments.uniform(*GAP_SECONDS)
            self.gaps.append(gap)
            if holds_within(done, gap):
                break
            self.worker.kill()
            kills += 1
            start_until_working(self.worker)
        return kills
