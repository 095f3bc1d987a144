"""Where a replay starts and stops: ``--from``/``--to`` as an offset (``1200``), a moment
(``2026-12-06T10:00:00Z``, ISO 8601; without a zone it is UTC), ``earliest`` or ``latest``, turned
into each partition's first offset to read and the offset to stop before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal


class BadBound(ValueError):
    """A ``--from``/``--to`` that is no offset, moment, ``earliest`` or ``latest``."""


@dataclass(frozen=True)
class Bound:
    kind: Literal["earliest", "latest", "offset", "time"]
    offset: int = 0
    #: Milliseconds since the epoch, as Kafka's record timestamps are.
    timestamp_ms: int = 0

    def __str__(self) -> str:
        if self.kind == "offset":
            return f"offset {self.offset}"
        if self.kind == "time":
            return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC).isoformat()
        return self.kind


def parse_bound(text: str) -> Bound:
    value = text.strip()
    if value.lower() in ("earliest", "latest"):
        return Bound(kind="earliest" if value.lower() == "earliest" else "latest")
    if value.isdigit():
        return Bound(kind="offset", offset=int(value))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadBound(
            f"{text!r} is neither an offset (e.g. 1200), a moment (e.g. 2026-12-06T10:00:00Z), "
            "'earliest' nor 'latest'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Bound(kind="time", timestamp_ms=int(moment.timestamp() * 1000))


def check_order(start: Bound, stop: Bound) -> None:
    """Refuses a range that ends before it starts, when both ends are of one kind."""
    if start.kind == stop.kind == "offset" and stop.offset < start.offset:
        raise BadBound(f"--to {stop} is before --from {start}")
    if start.kind == stop.kind == "time" and stop.timestamp_ms < start.timestamp_ms:
        raise BadBound(f"--to {stop} is before --from {start}")
    if start.kind == "latest" and stop.kind != "latest":
        raise BadBound("--from latest leaves nothing to read before --to")


@dataclass(frozen=True)
class PartitionRange:
    partition: int
    #: The first offset to read.
    start: int
    #: The offset to stop before: at most the partition's end when the replay began.
    stop: int

    @property
    def size(self) -> int:
        return max(0, self.stop - self.start)
