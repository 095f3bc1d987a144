"""Sweeping expired uploads: bytes nobody will finish are deleted from the store and the table.

The gateway hands it the tus store beside its recordings (``open_stores``): with Azure, the
staged blocks of an expired upload are deleted there.

:func:`select_expired` decides, :func:`sweep_expired_uploads` acts, and the gateway's
lifespan runs :func:`sweep_periodically` every ``IB_UPLOAD_SWEEP_SECONDS`` (a PATCH in
flight keeps its upload: it holds the lock and refreshes the expiry).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from gateway.db.uploads import UploadQueries, UploadRow
from gateway.sweeps import sweep_every
from gateway.tus.storage.store import TusStore
from sinks.read_model import ReadModel


def select_expired(uploads: Iterable[UploadRow], now: datetime) -> list[UploadRow]:
    """The unfinished uploads whose expiry has passed at ``now``."""
    return [upload for upload in uploads if upload.completed_at is None and upload.expires_at <= now]


async def sweep_expired_uploads(
    uploads: UploadQueries,
    store: TusStore,
    read_model: ReadModel,
    now: datetime | None = None,
    batch: int = 100,
) -> list[str]:
    """Delete one batch of expired uploads; returns their ids."""
    now = now or datetime.now(UTC)
    swept: list[str] = []
    for candidate in select_expired(await uploads.list_expired(now, batch), now):
        async with uploads.try_lock(candidate.upload_id) as locked:
            if locked is None:
                continue  # being written right now, so not abandoned
            current = await locked.reload()
            if current is None or not select_expired([current], now):
                continue
            await store.delete(current.user_id, current.upload_id)
            await locked.delete()
            await read_model.release_upload_claim(current.interview_id, current.user_id)
            swept.append(current.upload_id)
    return swept


async def sweep_periodically(
    uploads: UploadQueries,
    store: TusStore,
    read_model: ReadModel,
    interval_seconds: float,
    batch: int = 100,
) -> None:
    """Sweep every ``interval_seconds`` until cancelled (the gateway's lifespan runs this)."""
    await sweep_every(
        interval_seconds,
        lambda: sweep_expired_uploads(uploads, store, read_model, batch=batch),
        batch,
        "expired uploads",
    )
