"""The transcriber's durable to-do list: a recording that takes minutes to transcribe is never
lost, or cut off for good, by a rebalance.

Faust commits an event's offset once its handler is done, but a rebalance drops the events
buffered behind a long handler, and its stream acknowledges events it skips. So the transcriber
does not transcribe inside its stream: it records each ``interview.uploaded`` event as a job in
the ``transcription_jobs`` table (its changelog partitioned like the topic, written before the
event's offset is committed) and acknowledges the event at once. A :class:`JobRunner` in every
worker takes the jobs of the partitions this worker owns, one at a time and oldest first, and
removes each one when it is done (transcribed, refused with a reason, or dead-lettered).

After a crash, a restart or a rebalance, whichever worker owns the partition rebuilds the table
from its changelog and its runner resumes the unfinished jobs, from the start of the recording
(the recognizer is seeded: a re-run writes the same segments, and every consumer downstream is
idempotent). A job whose partition moves to another worker stops before its next piece.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from faust.types import TP

from streams.app import app, codec
from streams.dead_letters import dead_letter_gave_up, retry_policy
from streams.metrics import EVENTS
from streams.retry_policy import Retry
from streams.spans import span_continuing
from topics.catalog import INTERVIEW_UPLOADED
from topics.tracing import trace_headers_of

log = logging.getLogger(__name__)

#: How often an idle runner looks at the table without being woken (a partition assigned by a
#: rebalance brings jobs that no new event announces).
IDLE_LOOK_SECONDS = 1.0

transcription_jobs = app.Table(
    "transcription_jobs",
    default=None,
    partitions=INTERVIEW_UPLOADED.partitions,
    key_type=str,
    value_type=bytes,
    help="Recordings waiting to be transcribed (or being transcribed), by interview_id.",
)


@dataclass(frozen=True)
class Job:
    """One interview.uploaded event to transcribe, with where it came from (for its dead letter)."""

    interview_id: str
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    enqueued_at_ms: int
    #: The event's trace context (``traceparent``, ``tracestate``): the transcription continues it.
    trace_headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, interview_id: str, message: faust.types.Message) -> Job:
        return cls(
            interview_id,
            message.topic,
            message.partition,
            message.offset,
            message.key or interview_id.encode(),
            message.value or b"",
            int(time.time() * 1000),
            trace_headers_of(message.headers),
        )

    def dumps(self) -> bytes:
        return orjson.dumps(
            {
                **self.__dict__,
                "key": base64.b64encode(self.key).decode(),
                "value": base64.b64encode(self.value).decode(),
            }
        )

    @classmethod
    def loads(cls, data: bytes) -> Job:
        fields: dict[str, Any] = orjson.loads(data)
        return cls(
            **{**fields, "key": base64.b64decode(fields["key"]), "value": base64.b64decode(fields["value"])}
        )

    @property
    def tp(self) -> TP:
        return TP(self.topic, self.partition)


#: Transcribes one recording: the decoded interview.uploaded event, and a check that the
#: job is still this worker's (asked before each piece of the recording).
RunJob = Callable[[dict[str, Any], Callable[[], bool]], Awaitable[None]]
#: Says that a job waits for a dependency that cannot be reached (each job queued, once per
#: outage).
OnWait = Callable[[dict[str, Any]], Awaitable[None]]


def enqueue(uploaded: dict[str, Any], event: faust.EventT) -> None:
    """Record the event as a job (inside the agent's stream: the changelog record goes to the
    event's partition and is sent before the event's offset is committed)."""
    job = Job.of(uploaded["interview_id"], event.message)
    transcription_jobs[job.interview_id] = job.dumps()


class JobRunner:
    """Runs the jobs of the partitions this worker owns, one at a time, oldest first."""

    def __init__(self, run: RunJob, consumer: str, on_wait: OnWait | None = None) -> None:
        self._run = run
        self._consumer = consumer
        self._on_wait = on_wait
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    @staticmethod
    def owns(job: Job) -> bool:
        return job.tp in app.assignor.assigned_actives()

    def owned_jobs(self) -> list[Job]:
        return [job for job in map(Job.loads, list(transcription_jobs.data.values())) if self.owns(job)]

    def next_job(self) -> Job | None:
        if app.rebalancing or not app.flow_control.is_active():
            return None  # the table may be recovering; the assignment is changing
        return min(self.owned_jobs(), key=lambda job: job.enqueued_at_ms, default=None)

    async def tell_waiting(self, told: set[str]) -> None:
        """Every job of this worker waits while the one running waits for a dependency: tell
        each that is not in ``told`` yet (jobs queued during the wait included)."""
        if self._on_wait is None:
            return
        for job in self.owned_jobs():
            if job.interview_id not in told:
                told.add(job.interview_id)
                await self._on_wait(codec.decode(job.value, INTERVIEW_UPLOADED.value_schema))

    async def run_forever(self) -> None:
        while True:
            job = self.next_job()
            if job is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_LOOK_SECONDS)
                continue
            await self.run_one(job)

    async def run_one(self, job: Job) -> None:
        with span_continuing(job.trace_headers, f"{self._consumer} transcribe"):
            await self._run_one(job)

    async def _run_one(self, job: Job) -> None:
        uploaded = codec.decode(job.value, INTERVIEW_UPLOADED.value_schema)
        told: set[str] = set()

        async def counted(retry: Retry) -> None:
            if retry.outage:
                # The blob store or the speech service is away: not the recording's fault.
                EVENTS.labels(self._consumer, INTERVIEW_UPLOADED.name, "waited").inc()
                await self.tell_waiting(told)

        gave_up = await retry_policy.attempt(
            lambda: self._run(uploaded, lambda: self.owns(job)),
            f"{self._consumer} on {job.interview_id}",
            on_retry=counted,
            stop=lambda: not self.owns(job),
        )
        if gave_up is not None:
            await dead_letter_gave_up(job, gave_up, consumer=self._consumer, what=job.interview_id)
        if not self.owns(job):
            log.info("%s moved to another worker mid-way: it finishes it", job.interview_id)
            return
        self._remove(job)

    @staticmethod
    def _remove(job: Job) -> None:
        """Remove the job, unless the interview was uploaded again meanwhile with other content
        (a newer job); the same event sent again (the stuck-interview sweeper's) is done too."""
        stored = transcription_jobs.data.get(job.interview_id)
        if stored is None or Job.loads(stored).value != job.value:
            return
        del transcription_jobs.data[job.interview_id]
        transcription_jobs.send_changelog(job.partition, job.interview_id, None)
