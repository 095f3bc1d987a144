"""What a reprocessing reads, with ``ib replay``'s reader (no consumer group, read_committed):
the live analyses in the range, then the recorded inputs of the interviews they name."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from dev.replay.bounds import Bound
from dev.replay.reader import Replay
from topics.catalog import ANALYSIS_COMPLETED, TopicSpec
from topics.codec import AvroCodec

EARLIEST, LATEST = Bound("earliest"), Bound("latest")


@dataclass(frozen=True)
class LiveAnalysis:
    """The latest analysis of an interview on the live ``analysis.completed``, where it sits."""

    interview_id: str
    partition: int
    offset: int
    value: dict[str, Any]

    @property
    def run(self) -> int:
        return int(self.value.get("run") or 0)


class UnreadableInput(Exception):
    """A recorded input of a chosen interview that does not decode: it cannot be recomputed."""


async def live_analyses(
    bootstrap: str, prefix: str, codec: AvroCodec, start: Bound, stop: Bound, interviews: Iterable[str] = ()
) -> dict[str, LiveAnalysis]:
    """The latest analysis per interview among the records of ``analysis.completed`` from
    ``start`` to ``stop`` (only ``interviews`` when some are named); an interview with a
    tombstone (deleted) after its analysis, in the range or after it, is left out."""
    wanted = frozenset(interview.encode() for interview in interviews) or None
    latest: dict[str, LiveAnalysis | None] = {}
    topic = ANALYSIS_COMPLETED.full_name(prefix)
    async with Replay(bootstrap, topic, ANALYSIS_COMPLETED.value_schema, codec) as source:
        stops = {part.partition: part.stop for part in await source.ranges(start, stop)}
        async for record in source.records(await source.ranges(start, LATEST), wanted):
            if record.key is None or (record.value is not None and record.offset >= stops[record.partition]):
                continue  # past the range only a deletion counts
            if record.decode_error is not None:
                raise UnreadableInput(
                    f"the analysis at {topic}[{record.partition}]@{record.offset} does not decode: "
                    f"{record.decode_error}"
                )
            latest[record.key] = (
                None
                if record.value is None
                else LiveAnalysis(record.key, record.partition, record.offset, record.value)
            )
    return {interview: found for interview, found in latest.items() if found is not None}


async def _values(
    bootstrap: str, prefix: str, codec: AvroCodec, spec: TopicSpec, keys: frozenset[bytes]
) -> AsyncIterator[tuple[str, dict[str, Any] | None]]:
    topic = spec.full_name(prefix)
    async with Replay(bootstrap, topic, spec.value_schema, codec) as source:
        async for record in source.records(await source.ranges(EARLIEST, LATEST), keys):
            if record.decode_error is not None:
                raise UnreadableInput(
                    f"{record.key}'s record at {topic}[{record.partition}]@{record.offset} does not "
                    f"decode: {record.decode_error}"
                )
            if record.key is not None:
                yield record.key, record.value


async def recorded(
    bootstrap: str, prefix: str, codec: AvroCodec, spec: TopicSpec, keys: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Every record of ``spec``'s topic now there whose key is one of ``keys``, decoded, per key
    in the order written (one key's records are on one partition)."""
    wanted = frozenset(key.encode() for key in keys)
    found: dict[str, list[dict[str, Any]]] = {key.decode(): [] for key in wanted}
    if wanted:
        async for key, value in _values(bootstrap, prefix, codec, spec, wanted):
            if value is not None:
                found[key].append(value)
    return found


async def latest_values(
    bootstrap: str, prefix: str, codec: AvroCodec, spec: TopicSpec, keys: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The latest value per key of a compacted topic (``prep.sessions``); a deleted key is left out."""
    wanted = frozenset(key.encode() for key in keys)
    latest: dict[str, dict[str, Any] | None] = {}
    if wanted:
        async for key, value in _values(bootstrap, prefix, codec, spec, wanted):
            latest[key] = value
    return {key: value for key, value in latest.items() if value is not None}
