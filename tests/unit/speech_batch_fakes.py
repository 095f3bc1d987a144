"""Stand-ins for what the speech agent's batch step touches: Faust events and the producer."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from streams.app import channel, codec
from topics.catalog import TRANSCRIPT_SEGMENTS


def event(value: dict[str, Any] | bytes, partition: int, offset: int) -> Any:
    """A transcript.segments event holding ``value`` (encoded), or raw bytes keyed "broken"."""
    data = value if isinstance(value, bytes) else codec.encode(TRANSCRIPT_SEGMENTS.value_schema, value)
    key = b"broken" if isinstance(value, bytes) else value["interview_id"].encode()
    message = SimpleNamespace(
        key=key,
        value=data,
        partition=partition,
        offset=offset,
        topic=channel(TRANSCRIPT_SEGMENTS).get_topic_name(),
    )
    return SimpleNamespace(message=message)


class Sent:
    """Every record the batches hand to the producer, in order; deliveries succeed at once."""

    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, bytes, int | None]] = []

    async def __call__(
        self, topic: str, key: bytes, value: bytes, partition: int | None
    ) -> asyncio.Future[Any]:
        self.records.append((topic, key, value, partition))
        delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        delivered.set_result(SimpleNamespace(topic=topic, partition=partition or 0, offset=len(self.records)))
        return delivered

    def to(self, topic: str) -> list[tuple[bytes, bytes, int | None]]:
        return [(key, value, partition) for name, key, value, partition in self.records if name == topic]
