"""The stuck-interview safety net: an interview that stopped before its transcription was done
gets its ``interview.uploaded`` again.

An event lost on a rebalance or a worker gone mid-recording leaves an interview ``UPLOADED`` or
``TRANSCRIBING`` for good. Once it has not moved for its bound (``IB_STUCK_MIN_SECONDS``, or
``IB_STUCK_DURATION_FACTOR`` × its recording's duration when that is longer), the sweeper
publishes its ``interview.uploaded`` again, the same event as at the upload (a fresh read URL
for an Azure-stored recording: the first one may have expired), in a trace of its own whose
request id starts with ``stuck-sweep-``. The transcriber and every sink take a repeated
``interview.uploaded`` as a re-run that rewrites the same rows, so a re-emission that crosses
a slow original costs work, never correctness.

It re-emits an interview at most once per bound, and ``IB_STUCK_MAX_REEMITS`` times in all: a
recording that keeps a worker from finishing is left to the operators instead of re-run for
ever. Each re-emission is counted in ``ib_stuck_interviews_reemitted_total{stage}`` (served at
``/metrics``). :meth:`gateway.db.stuck_interviews.StuckInterviewQueries.claim` decides under a
row lock and records it with the publish; the gateway's lifespan runs :func:`sweep_periodically`
every ``IB_STUCK_SWEEP_SECONDS``.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter

from gateway.db.stuck_interviews import StuckInterviewQueries
from gateway.events import EventPublisher
from gateway.sweeps import sweep_every
from gateway.tracing import background_trace
from gateway.uploads import internal_read_url
from sinks.blobs.store import BlobStore
from sinks.stuck_bound import StuckBound

log = logging.getLogger(__name__)

REEMITTED = Counter(
    "ib_stuck_interviews_reemitted_total",
    "interview.uploaded events re-emitted for interviews stuck before their transcription was done",
    ["stage"],
)


async def reemit_stuck(
    stuck: StuckInterviewQueries,
    publisher: EventPublisher,
    blob_store: BlobStore,
    bound: StuckBound,
    max_reemits: int,
    batch: int = 100,
) -> list[str]:
    """Re-emit one batch of stuck interviews; returns their ids."""
    reemitted: list[str] = []
    if max_reemits == 0:
        return reemitted
    prefix = blob_store.uri_prefix
    for candidate in await stuck.stuck_interviews(bound, max_reemits, prefix, batch):
        with background_trace("stuck-sweep-") as trace:

            async def announce(row: dict[str, Any]) -> None:
                await publisher.publish_uploaded(row, read_url=internal_read_url(blob_store, row["blob_uri"]))

            row = await stuck.claim(candidate["interview_id"], bound, max_reemits, prefix, announce)
        if row is None:
            continue  # it moved, was deleted, or another gateway took it
        REEMITTED.labels(stage=row["status"].lower()).inc()
        log.warning(
            "interview %s stuck in %s since %s: interview.uploaded re-emitted (%d of at most %d),"
            " request id %s",
            row["interview_id"],
            row["status"],
            row["status_updated_at"].isoformat(),
            row["reemit_count"],
            max_reemits,
            trace.request_id,
        )
        reemitted.append(row["interview_id"])
    return reemitted


async def sweep_periodically(
    stuck: StuckInterviewQueries,
    publisher: EventPublisher,
    blob_store: BlobStore,
    bound: StuckBound,
    max_reemits: int,
    interval_seconds: float,
    batch: int = 100,
) -> None:
    """Sweep every ``interval_seconds`` until cancelled (the gateway's lifespan runs this)."""
    await sweep_every(
        interval_seconds,
        lambda: reemit_stuck(stuck, publisher, blob_store, bound, max_reemits, batch=batch),
        batch,
        "stuck interviews (interview.uploaded re-emitted)",
    )
