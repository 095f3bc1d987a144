"""transcriber: interview.uploaded → transcript.segments (+ transcription.progress).

The agent records each upload as a job and acknowledges it at once; the worker's job runner
transcribes the jobs of the partitions it owns (see :mod:`streams.transcription_jobs`: a
recording is neither lost nor abandoned when the group rebalances mid-way). Decoding and
recognition run in the transcription service's process pool, so this event loop keeps
consuming and the other agents keep flowing. Segments are emitted as each piece of the
recording is recognized; the last one carries ``final=true``. A recording that cannot be
transcribed (not media, no audio, no speech) fails the interview with a reason the user
understands; it is not a poison message.

A deleted interview's recording is deleted first, so the blob being gone is how the
transcriber learns of it: before each piece it checks that the recording is still stored, and
when it is not (or was never there when the event comes) it stops quietly, with no event, no
failure and no dead letter.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import faust

from analysis.progress import DEPENDENCY_DELAYED_NOTICE
from analysis.runs import run_of
from sinks.blobs.factory import open_blob_store
from sinks.blobs.recordings import open_recording, recording_exists
from sinks.blobs.store import BlobStore
from sinks.errors import BlobNotFound
from streams.app import app, channel, send, settings
from streams.dead_letters import process_event
from streams.segment_events import segment_event
from streams.transcription import (
    MediaError,
    NoSpeechError,
    Progress,
    RecognizedSegment,
    TranscriptionService,
    TranscriptionSettings,
)
from streams.transcription.service import KeepGoing, TranscriptionStopped
from streams.transcription_jobs import JobRunner, enqueue
from topics.catalog import INTERVIEW_UPLOADED, TRANSCRIPT_SEGMENTS, TRANSCRIPTION_PROGRESS

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "transcribe_recording"

log = logging.getLogger(__name__)

#: The blob store's SDK does not retry under the job runner, which retries with the worker's
#: policy (``IB_RETRY_*``) and waits out a store that cannot be reached.
SDK_RETRIES = 0

service = TranscriptionService(TranscriptionSettings())
#: Opened with the worker (Azure needs an open client); set before any recording is read.
stores: dict[str, BlobStore] = {}


@app.service
class Transcriber(faust.Service):
    """Opens the recording store and starts the recognizer's process pool with the worker,
    then runs the transcription jobs of the partitions this worker owns."""

    async def on_start(self) -> None:
        self._closing = AsyncExitStack()
        connection_string = settings.azure_storage_connection_string
        stores["recordings"] = await open_blob_store(
            self._closing,
            kind=settings.blob_store,
            local_root=settings.blob_root,
            azure_connection_string=connection_string.get_secret_value() if connection_string else None,
            azure_container=settings.azure_blob_container,
            # The worker only reads what the gateway stored: no call to the store at start, so
            # a store that cannot be reached delays interviews instead of stopping the worker.
            create_container=False,
            sdk_retries=SDK_RETRIES,
        )
        await service.start()

    async def on_stop(self) -> None:
        await service.stop()
        await self._closing.aclose()

    @faust.Service.task
    async def _run_jobs(self) -> None:
        await runner.run_forever()


def _now_ms() -> int:
    return int(time.time() * 1000)


def progress_event(uploaded: dict[str, Any], stage: str, progress: Progress, **error: str) -> dict[str, Any]:
    return {
        "interview_id": uploaded["interview_id"],
        "user_id": uploaded["user_id"],
        "stage": stage,
        "audio_duration": progress.audio_duration,
        "processed_seconds": progress.processed_seconds,
        "elapsed_seconds": progress.elapsed_seconds,
        "error_code": error.get("code"),
        "error_message": error.get("message"),
        "emitted_at": _now_ms(),
        "run": run_of(uploaded),
    }


async def transcribe(uploaded: dict[str, Any], still_ours: Callable[[], bool]) -> None:
    """Transcribe one recording; stop quietly before the next piece when it was deleted, or
    when the job is no longer this worker's (``still_ours``: its partition moved)."""
    started = time.monotonic()
    store, uri = stores["recordings"], uploaded["blob_uri"]
    # An Azure recording comes with a read-only SAS URL (24 h); past that, the store's own
    # credentials read it (a replay). The URL is a secret: it is never logged.
    read_url = uploaded.get("read_url")

    async def still_stored() -> bool:
        return await recording_exists(store, uri, read_url, SDK_RETRIES)

    async def keep_going() -> bool:
        return still_ours() and await still_stored()

    try:
        async with open_recording(store, uri, read_url, SDK_RETRIES) as path:
            await _transcribe_file(uploaded, path, started, keep_going)
    except (BlobNotFound, TranscriptionStopped):
        if still_ours():
            log.info("recording of %s was deleted: not transcribing it", uploaded["interview_id"])
    except Exception:
        # A file deleted under the decoder fails in many ways; none of them is a poison message.
        if await still_stored():
            raise
        log.info("recording of %s was deleted while it was transcribed", uploaded["interview_id"])


async def _transcribe_file(
    uploaded: dict[str, Any], path: Path, started: float, keep_going: KeepGoing
) -> None:
    interview_id = uploaded["interview_id"]
    duration = 0.0
    try:
        duration = await service.probe(path)
        await send(
            TRANSCRIPTION_PROGRESS,
            interview_id,
            progress_event(uploaded, "STARTED", Progress(duration, 0.0, 0.0)),
        )
        pending: RecognizedSegment | None = None
        seq = 0
        latest = Progress(duration, 0.0, 0.0)
        async for item in service.transcribe(path, keep_going=keep_going):
            if isinstance(item, Progress):
                latest = item
                await send(TRANSCRIPTION_PROGRESS, interview_id, progress_event(uploaded, "PROGRESS", item))
                continue
            # Hold one segment back: only when the next arrives do we know this one is not the last.
            if pending is not None:
                await send(
                    TRANSCRIPT_SEGMENTS,
                    interview_id,
                    segment_event(
                        uploaded, seq, pending, latest, final=False, engine=service.engine_name or "unknown"
                    ),
                )
                seq += 1
            pending = item
        if pending is None:
            raise NoSpeechError("the recognizer returned no words")
        done = Progress(duration, duration, time.monotonic() - started)
        await send(
            TRANSCRIPT_SEGMENTS,
            interview_id,
            segment_event(uploaded, seq, pending, done, final=True, engine=service.engine_name or "unknown"),
        )
        log.info(
            "transcribed %s: %d segments, %.1fs audio in %.1fs",
            interview_id,
            seq + 1,
            duration,
            done.elapsed_seconds,
        )
    except MediaError as exc:
        if not await keep_going():
            raise TranscriptionStopped(f"recording of {interview_id} deleted or moved") from exc
        log.info("recording of %s cannot be transcribed: %s", interview_id, exc.code)
        failed = Progress(duration, 0.0, time.monotonic() - started)
        await send(
            TRANSCRIPTION_PROGRESS,
            interview_id,
            progress_event(uploaded, "FAILED", failed, code=exc.code, message=exc.user_message),
        )


async def tell_delayed(uploaded: dict[str, Any]) -> None:
    """The recording cannot be read for now (the blob store or the speech service is away):
    the interview's state says it is delayed, not failed, until the transcription moves."""
    log.warning("transcription of %s delayed: a dependency cannot be reached", uploaded["interview_id"])
    waiting = progress_event(
        uploaded,
        "DELAYED",
        Progress(0.0, 0.0, 0.0),
        code="dependency_unreachable",
        message=DEPENDENCY_DELAYED_NOTICE,
    )
    await send(TRANSCRIPTION_PROGRESS, uploaded["interview_id"], waiting)


runner = JobRunner(transcribe, consumer=AGENT, on_wait=tell_delayed)


async def record_job(uploaded: dict[str, Any], event: faust.EventT) -> None:
    enqueue(uploaded, event)
    runner.wake()


@app.agent(channel(INTERVIEW_UPLOADED), name=AGENT)
async def transcribe_recording(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await process_event(event, record_job, consumer=AGENT)
