"""sink: segments, metrics, state and analyses → PostgreSQL, the read model the gateway serves.

Events are taken in small batches and upserted by natural key, so a replay or a restart
rewrites the same rows instead of adding new ones; a final segment or metrics record also
removes its interview's rows past its ``seq``, in the same write, so a re-transcription that
ends shorter leaves no stale tail. Offsets are committed only after a batch is written (the
batch is acknowledged when the next one is requested).

Tombstones (a deleted interview) are skipped: the gateway deleted its rows when it wrote them,
and the read model itself refuses rows of a deleted interview that are still in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

import faust

from sinks.read_model import ReadModel
from streams.app import app, channels, settings, topic_spec_of
from streams.dead_letters import dead_letter, dead_letter_gave_up, decode, retry_policy
from streams.metrics import EVENTS, UPLOAD_TO_ANALYSIS, count_batch
from streams.retry_policy import Retry
from topics.catalog import (
    ANALYSIS_COMPLETED,
    INTERVIEW_METADATA,
    INTERVIEW_STATE,
    INTERVIEW_UPLOADED,
    SEGMENT_METRICS,
    TRANSCRIPT_SEGMENTS,
    by_name,
)
from topics.errors import SerializationError

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "sink_read_model"


read_model = ReadModel(settings.database_url)
#: Agents may start before services: the sink waits for the pool instead of failing on it.
read_model_open = asyncio.Event()


@app.service
class ReadModelConnection(faust.Service):
    """Opens the read model's connection pool (and its migrations) with the worker."""

    async def on_start(self) -> None:
        self.add_future(retry_policy.open_when_reachable(read_model.open, read_model_open, "the read model"))

    async def on_stop(self) -> None:
        await read_model.close()


async def write_batch(batch: dict[str, list[dict[str, Any]]]) -> None:
    # Interviews first: the rows below refer to them. The gateway wrote these already;
    # taking them from the topics too lets a replay rebuild the whole read model.
    for metadata in batch[INTERVIEW_METADATA.name]:
        await read_model.upsert_metadata(metadata)
    for uploaded in batch[INTERVIEW_UPLOADED.name]:
        await read_model.upsert_uploaded(uploaded)
    if batch[TRANSCRIPT_SEGMENTS.name]:
        await read_model.upsert_segments(batch[TRANSCRIPT_SEGMENTS.name])
    if batch[SEGMENT_METRICS.name]:
        await read_model.upsert_metrics(batch[SEGMENT_METRICS.name])
    if batch[INTERVIEW_STATE.name]:
        await read_model.upsert_states(batch[INTERVIEW_STATE.name])
    for analysis in batch[ANALYSIS_COMPLETED.name]:
        await read_model.upsert_analysis(analysis)
        if analysis.get("run", 0) == 0:  # a reanalysis runs long after its upload
            seconds = await read_model.seconds_from_upload_to_analysis(
                analysis["interview_id"], analysis["user_id"]
            )
            if seconds is not None:
                UPLOAD_TO_ANALYSIS.observe(seconds)


Decoded = list[tuple[faust.EventT, str, dict[str, Any]]]


async def decode_batch(events: list[faust.EventT]) -> Decoded:
    decoded: Decoded = []
    for event in events:
        name = topic_spec_of(event)
        if event.message.value is None:
            continue
        try:
            decoded.append((event, name, await decode(event, by_name(name).value_schema)))
        except SerializationError as exc:
            await dead_letter(event, exc, attempts=1, consumer=AGENT)
    return decoded


def batch_of(decoded: Decoded) -> dict[str, list[dict[str, Any]]]:
    batch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, name, value in decoded:
        batch[name].append(value)
    return batch


@app.agent(
    channels(
        INTERVIEW_METADATA,
        INTERVIEW_UPLOADED,
        TRANSCRIPT_SEGMENTS,
        SEGMENT_METRICS,
        INTERVIEW_STATE,
        ANALYSIS_COMPLETED,
    ),
    name=AGENT,
)
async def sink_read_model(stream: faust.StreamT[bytes]) -> None:
    async for events in stream.take_events(settings.sink_batch_size, within=settings.sink_batch_seconds):
        started, taken = time.monotonic(), list(events)
        await write_with_retries(await decode_batch(taken))
        count_batch(AGENT, taken, time.monotonic() - started)


async def write_with_retries(decoded: Decoded) -> None:
    """Write the batch with the retry policy. The database being away is not the messages'
    fault: that is waited out. A batch that keeps failing for a reason of its own is written
    record by record, and the records that still fail are dead-lettered."""
    await read_model_open.wait()

    async def waited(retry: Retry) -> None:
        if retry.outage:
            for name in {name for _, name, _ in decoded}:
                EVENTS.labels(AGENT, name, "waited").inc()

    gave_up = await retry_policy.attempt(
        lambda: write_batch(batch_of(decoded)), "read model write", on_retry=waited
    )
    if gave_up is None:
        return
    for item in decoded:
        gave_up = await retry_policy.attempt(
            lambda item=item: write_batch(batch_of([item])), "read model write", on_retry=waited
        )
        if gave_up is not None:
            await dead_letter_gave_up(item[0].message, gave_up, consumer=AGENT, what="a record")
