"""Analysis runs: an interview analysed again (``POST /interviews/{id}/reanalyze``) is run
through the whole pipeline once more, under the next run number.

Every per-interview event carries its ``run`` (0 for the first analysis; records written
before runs existed read as 0). Each consumer that keeps state per interview holds the run its
state belongs to, and compares: an event of an earlier run is dropped (a late or replayed
record of an analysis that was replaced), one of a later run starts the interview afresh.
Pure functions only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any


class RunOrder(Enum):
    EARLIER = "earlier"
    SAME = "same"
    LATER = "later"


def run_of(record: Mapping[str, Any] | None) -> int:
    """The run a record (an event, or a consumer's state) belongs to."""
    return int((record or {}).get("run") or 0)


def compare_runs(held: Mapping[str, Any] | None, event: Mapping[str, Any]) -> RunOrder:
    """Where ``event``'s run stands against the state ``held`` (None: nothing held yet, so
    the event's run is the one to hold)."""
    if held is None:
        return RunOrder.SAME
    held_run, event_run = run_of(held), run_of(event)
    if event_run < held_run:
        return RunOrder.EARLIER
    return RunOrder.LATER if event_run > held_run else RunOrder.SAME
