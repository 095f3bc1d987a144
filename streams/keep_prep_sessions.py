"""prep: prep.sessions → the ``prep_sessions`` global table, for prep versus actual.

Prep sessions are keyed by their own id, not by interview, so the table is global: every
worker holds every session, and the rollup can join the one an interview is linked to
whichever partition the interview is on. A tombstone (null value) deletes the session.
"""

from __future__ import annotations

import faust

from streams.app import app, channel, codec
from streams.dead_letters import process_event
from topics.catalog import PREP_SESSIONS

prep_sessions = app.GlobalTable(
    "prep_sessions",
    default=None,
    partitions=PREP_SESSIONS.partitions,
    key_type=str,
    value_type=bytes,
    help="Latest PrepSession per prep_session_id (Avro), on every worker.",
)

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "keep_prep_sessions"


async def keep(session: dict[str, object], _event: faust.EventT) -> None:
    prep_sessions[str(session["prep_session_id"])] = codec.encode(PREP_SESSIONS.value_schema, session)


def practised(prep_session_id: str | None) -> dict[str, object] | None:
    """The linked prep session, decoded, or None when there is none (or it was deleted)."""
    stored = prep_sessions.get(prep_session_id) if prep_session_id else None
    return None if stored is None else codec.decode(stored, PREP_SESSIONS.value_schema)


@app.agent(channel(PREP_SESSIONS), name=AGENT)
async def keep_prep_sessions(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        key = event.message.key
        if event.message.value is None:
            if key:
                prep_sessions.pop(key.decode(), None)
            continue
        await process_event(event, keep, consumer=AGENT)
