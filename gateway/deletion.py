"""Deleting a user's data (GDPR): one interview, or everything of a user.

Deleting an interview soft-deletes its row and deletes the rows derived from it, writes
tombstones (null values keyed by ``interview_id``) to the compacted topics that hold it, all in
one transaction, then removes its unfinished tus uploads and hard-deletes its recording. The
blob going is also what stops a transcription in progress: the transcriber checks between
pieces that the recording is still stored and ends quietly when it is not. The workers take the
tombstones as "deleted" and write nothing more of the interview (see ``streams/track_state.py``
and ``streams/roll_up_analysis.py``); the read model skips any row of it that is still in flight.

A duplicate recording (``duplicate_of``) reads its results from the original: deleting the
original deletes its duplicates too. Deleting a duplicate deletes only the duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.db.erasure import ErasureQueries, Row
from gateway.db.uploads import UploadQueries
from gateway.events import EventPublisher
from gateway.tus.storage.store import TusStore
from sinks.blobs.store import BlobStore
from sinks.errors import BlobStoreError
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_METADATA, INTERVIEW_STATE, PREP_SESSIONS, TopicSpec

log = logging.getLogger(__name__)

#: The compacted topics that hold an interview under its id: each gets a tombstone.
INTERVIEW_TOPICS: tuple[TopicSpec, ...] = (INTERVIEW_METADATA, INTERVIEW_STATE, ANALYSIS_COMPLETED)


@dataclass(frozen=True)
class Eraser:
    erasure: ErasureQueries
    publisher: EventPublisher
    blob_store: BlobStore
    uploads: UploadQueries
    tus_store: TusStore

    async def delete_interview(self, interview_id: str, user_id: str) -> bool:
        """Delete the user's interview (and its duplicates); False when they have no such one."""
        deleted = await self.erasure.delete_interview(interview_id, user_id, before_commit=self._tombstones)
        if deleted is None:
            return False
        await self._remove_uploads(user_id, [row["interview_id"] for row in deleted])
        for row in deleted:
            await self.delete_blob(row)
        return True

    async def delete_user(self, user_id: str) -> None:
        """Delete everything of the user: interviews, prep sessions and practice answers,
        unfinished uploads, settings. Deleting again finds nothing and is not an error."""
        for interview_id in await self.erasure.live_interview_ids(user_id):
            # An original's duplicates went with it: they are found deleted and skipped.
            await self.delete_interview(interview_id, user_id)
        await self.erasure.delete_prep_sessions(user_id, before_commit=self._prep_tombstones)
        await self._remove_uploads(user_id, None)
        await self.erasure.delete_user_settings(user_id)

    async def delete_blob(self, row: Row) -> bool:
        """Hard-delete a deleted interview's recording; False when the store failed (the
        retention sweeper retries it: the row keeps ``blob_uri`` until the blob is gone)."""
        if not row["blob_uri"]:
            return True
        try:
            await self.blob_store.delete(row["blob_uri"])
        except BlobStoreError as exc:
            log.warning(
                "the recording of deleted interview %s is not deleted yet: %s", row["interview_id"], exc
            )
            return False
        await self.erasure.forget_blob(row["interview_id"])
        return True

    async def _tombstones(self, rows: list[Row]) -> None:
        for row in rows:
            for spec in INTERVIEW_TOPICS:
                await self.publisher.publish_tombstone(spec, row["interview_id"])

    async def _prep_tombstones(self, rows: list[Row]) -> None:
        for row in rows:
            await self.publisher.publish_tombstone(PREP_SESSIONS, row["prep_session_id"])

    async def _remove_uploads(self, user_id: str, interview_ids: Sequence[str] | None) -> None:
        """Unfinished tus uploads go with their bytes. One whose PATCH is running right now is
        left to fail at completion (its interview is gone) and to expire into the tus sweeper."""
        for upload_id in await self.erasure.unfinished_uploads(user_id, interview_ids):
            async with self.uploads.try_lock(upload_id) as locked:
                if locked is None:
                    continue
                current = await locked.reload()
                if current is None or current.completed_at is not None:
                    continue
                await self.tus_store.delete(current.user_id, current.upload_id)
                await locked.delete()
