"""A worker killed with SIGKILL again and again at random moments and started again each time,
like Faust's own stress killer, for the kill-storm test and bench.

The moments come from a seeded generator, so a storm that found a fault can be replayed with
its seed. Each gap is counted from the moment the restarted worker answers its health check:
a worker killed before it is up would never get to work at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dev.polling import holds_within
from dev.service_processes import ServiceProcess

#: Seconds between two kills, drawn uniformly (Faust's stress killer uses the same spread).
GAP_SECONDS = (0.5, 10.0)


@dataclass
class KillStorm:
    """SIGKILLs ``worker`` and starts it again, up to ``max_kills`` times or until ``done()``."""

    worker: ServiceProcess
    seed: int
    max_kills: int
    gaps: list[float] = field(default_factory=list)
    """The gap before each kill, in order: what a replay with the same seed goes through."""

    def run(self, done: Callable[[], bool]) -> int:
        """Storm until ``done()`` holds or every kill is spent; the number of kills made."""
        moments = random.Random(self.seed)
        kills = 0
        while kills < self.max_kills:
            gap = moments.uniform(*GAP_SECONDS)
            self.gaps.append(gap)
            if holds_within(done, gap):
                break
            self.worker.kill()
            kills += 1
            self.worker.start()
        return kills
