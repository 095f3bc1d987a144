"""The retention sweeper: recordings are deleted once their retention period is over.

The period is the user's (``PUT /me/settings``) or ``IB_RETENTION_DAYS`` (90 days), counted from
the upload. Only the recording goes: the transcript, metrics and analysis stay, and the interview
shows its recording with a ``deleted_at``. The sweep also retries the blob deletes of deleted
interviews that the store refused at the time. :func:`select_due` decides,
:func:`sweep_recordings` acts, and the gateway's lifespan runs :func:`sweep_periodically` every
``IB_RETENTION_SWEEP_SECONDS``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from gateway.db.erasure import ErasureQueries, Row
from gateway.sweeps import sweep_every
from sinks.blobs.store import BlobStore
from sinks.errors import BlobStoreError

log = logging.getLogger(__name__)


def is_past_retention(uploaded_at: datetime | None, retention_days: int, now: datetime) -> bool:
    """Whether a recording uploaded at ``uploaded_at`` has outlived ``retention_days`` at ``now``."""
    return uploaded_at is not None and uploaded_at <= now - timedelta(days=retention_days)


def select_due(recordings: Iterable[Row], now: datetime) -> list[Row]:
    """The stored recordings whose blob must go at ``now``: past retention, or of a deleted interview."""
    return [
        row
        for row in recordings
        if row["deleted_at"] is not None or is_past_retention(row["uploaded_at"], row["retention_days"], now)
    ]


async def sweep_recordings(
    erasure: ErasureQueries,
    blob_store: BlobStore,
    default_days: int,
    now: datetime | None = None,
    batch: int = 100,
) -> list[str]:
    """Delete one batch of recordings that are due; returns their interviews' ids."""
    now = now or datetime.now(UTC)
    swept: list[str] = []
    for row in select_due(await erasure.stored_recordings_due(now, default_days, batch), now):
        try:
            await blob_store.delete(row["blob_uri"])
        except BlobStoreError as exc:
            log.warning("recording of interview %s not deleted yet: %s", row["interview_id"], exc)
            continue
        if row["deleted_at"] is not None:
            await erasure.forget_blob(row["interview_id"])
        else:
            await erasure.mark_recording_deleted(row["interview_id"])
        swept.append(row["interview_id"])
    return swept


async def sweep_periodically(
    erasure: ErasureQueries,
    blob_store: BlobStore,
    default_days: int,
    interval_seconds: float,
    batch: int = 100,
) -> None:
    """Sweep every ``interval_seconds`` until cancelled (the gateway's lifespan runs this)."""
    await sweep_every(
        interval_seconds,
        lambda: sweep_recordings(erasure, blob_store, default_days, batch=batch),
        batch,
        "recordings past retention",
    )
