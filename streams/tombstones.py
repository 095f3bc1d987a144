"""Tombstones: a null value keyed by ``interview_id`` on a compacted topic means "deleted".

The gateway writes one to ``interview.metadata``, ``interview.state`` and
``analysis.completed`` when a user deletes an interview. A tombstone is not an event: agents
must not decode it (that would dead-letter it). The agents that keep per-interview tables put
:data:`DELETED` in place of the interview's entry, so an event of it still in flight (a segment
recognized while the user deleted it) is dropped instead of bringing the interview back.
"""

from __future__ import annotations

import faust

from streams.app import channel
from topics.catalog import TopicSpec
from topics.tracing import current_trace_headers

#: Stored in a per-interview table in place of a deleted interview's entry.
DELETED = b"deleted"


def is_tombstone(event: faust.EventT) -> bool:
    return event.message.value is None


def tombstone_key(event: faust.EventT) -> str | None:
    """The id a tombstone deletes; None for a keyless one (nothing to delete)."""
    key = event.message.key
    return key.decode(errors="replace") if key else None


async def send_tombstone(spec: TopicSpec, key: str) -> None:
    await channel(spec).send(key=key.encode(), value=None, headers=current_trace_headers())
