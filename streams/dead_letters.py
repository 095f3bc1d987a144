"""Bounded retries, then the dead-letter topic: a poison message never stalls a partition.

A message that cannot be decoded is poison at once (retrying will not change its bytes).
Any other failure is retried with exponential backoff (:mod:`streams.retry_policy`); after
the last attempt the message goes to ``<topic>.dlq`` as a DeadLetter record, with the error,
the attempt count and the trace context in its Kafka headers too, and the stream moves on.
A dependency that cannot be reached is not the message's fault: the partition waits for it,
spending no attempt. A tombstone (a null value on a compacted topic: the record of that
key was deleted) is neither: it is skipped, and agents that must act on one look before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import faust
from faust.exceptions import PartitionsMismatch

from streams.app import channel, codec, settings, topic_spec_of
from streams.metrics import DEAD_LETTERS, EVENT_SECONDS, EVENTS
from streams.retry_policy import GaveUp, Retry, RetryPolicy
from streams.spans import span_of
from topics.catalog import by_name, dead_letter_topic
from topics.errors import SchemaRegistryError, SerializationError
from topics.tracing import current_trace_headers

#: How long a handler waits, at most, for a fresh cluster's table topics to show up in the
#: metadata (UNSETTLED_WAITS × UNSETTLED_WAIT_SECONDS) before the message is dead-lettered.
UNSETTLED_WAITS = 60
UNSETTLED_WAIT_SECONDS = 1.0

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], faust.EventT], Awaitable[None]]

#: The worker's retry policy (``IB_RETRY_*``), for every handler and job.
retry_policy = RetryPolicy.of(settings)


async def decode(event: faust.EventT, schema_name: str) -> dict[str, Any]:
    """Decode an event's value; while the schema registry is away, wait for it.

    A registry outage says nothing about the message, so it is not dead-lettered: the
    partition waits (with backoff) instead. A message that does not decode is poison:
    :class:`SerializationError` is raised at once.
    """
    failures = 0
    while True:
        try:
            return codec.decode(event.message.value, schema_name)
        except SchemaRegistryError as exc:
            failures += 1
            delay = retry_policy.delay_after(failures)
            log.warning("schema registry unavailable (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)


async def process_event(event: faust.EventT, handle: Handler, consumer: str) -> bool:
    """Decode ``event`` and run ``handle`` on it, with retries; dead-letter it on failure.

    Returns True when the handler succeeded; False for a tombstone, which is not handled.
    The work is the agent's span for the event (``streams.spans.span_of``).
    """
    with span_of(event, consumer):
        return await _process_event(event, handle, consumer)


async def _process_event(event: faust.EventT, handle: Handler, consumer: str) -> bool:
    spec = by_name(topic_spec_of(event))
    started = time.monotonic()

    def ended(outcome: str) -> None:
        EVENTS.labels(consumer, spec.name, outcome).inc()
        EVENT_SECONDS.labels(consumer, spec.name).observe(time.monotonic() - started)

    if event.message.value is None:
        ended("skipped")
        return False
    try:
        value = await decode(event, spec.value_schema)
    except SerializationError as exc:
        await dead_letter(event, exc, attempts=1, consumer=consumer)
        ended("dead_lettered")
        return False

    async def counted(retry: Retry) -> None:
        EVENTS.labels(consumer, spec.name, "waited" if retry.outage else "retried").inc()

    gave_up = await retry_policy.attempt(
        when_settled(lambda: handle(value, event), consumer),
        f"{consumer} on {spec.name}",
        on_retry=counted,
        give_up_at_once=(PartitionsMismatch,),
    )
    if gave_up is None:
        ended("processed")
        return True
    await dead_letter_gave_up(event.message, gave_up, consumer=consumer, what=spec.name)
    ended("dead_lettered")
    return False


def when_settled(call: Callable[[], Awaitable[None]], consumer: str) -> Callable[[], Awaitable[None]]:
    """``call``, waiting (UNSETTLED_WAITS times at most, for all its tries together) while the
    table topics settle: right after a fresh broker creates the changelog topics, Faust's
    metadata can still say they have 0 partitions. The message is fine, so no attempt is spent;
    a mismatch that outlasts the waits is raised, and dead-lettered at once."""
    unsettled_waits = 0

    async def settled_call() -> None:
        nonlocal unsettled_waits
        while True:
            try:
                return await call()
            except PartitionsMismatch as exc:
                if unsettled_waits == UNSETTLED_WAITS:
                    raise
                unsettled_waits += 1
                log.warning("%s waits for the table topics to settle: %s", consumer, exc)
                await asyncio.sleep(UNSETTLED_WAIT_SECONDS)

    return settled_call


class SourceMessage(Protocol):
    """Where a dead letter came from: a Faust message, or a job that kept one's coordinates."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def error_headers(
    message: SourceMessage, exc: BaseException, attempts: int, consumer: str
) -> dict[str, bytes]:
    return {
        "ib-error-type": type(exc).__name__.encode(),
        "ib-error-message": str(exc)[:2000].encode(),
        "ib-source-topic": message.topic.encode(),
        "ib-source-partition": str(message.partition).encode(),
        "ib-source-offset": str(message.offset).encode(),
        "ib-attempts": str(attempts).encode(),
        "ib-consumer": consumer.encode(),
    }


async def dead_letter(event: faust.EventT, exc: BaseException, *, attempts: int, consumer: str) -> None:
    await dead_letter_message(event.message, exc, attempts=attempts, consumer=consumer)


async def dead_letter_gave_up(message: SourceMessage, gave_up: GaveUp, *, consumer: str, what: str) -> None:
    """Say that ``consumer`` gave up on ``what`` after the retries, and dead-letter its message."""
    log.error("%s gave up on %s after %d attempts", consumer, what, gave_up.attempts, exc_info=gave_up.error)
    await dead_letter_message(message, gave_up.error, attempts=gave_up.attempts, consumer=consumer)


async def dead_letter_message(
    message: SourceMessage, exc: BaseException, *, attempts: int, consumer: str
) -> None:
    spec = by_name(message.topic.removeprefix(settings.topic_prefix))
    if not spec.has_dead_letters:
        # A dead-letter topic has no dead-letter topic of its own: log it and move on.
        log.error("dropped unreadable %s[%d]@%d: %s", message.topic, message.partition, message.offset, exc)
        return
    dlq = dead_letter_topic(spec)
    DEAD_LETTERS.labels(spec.name, consumer).inc()
    record = {
        "source_topic": message.topic,
        "source_partition": message.partition,
        "source_offset": message.offset,
        "key": message.key,
        "value": message.value,
        "error_type": type(exc).__name__,
        "error_message": str(exc)[:2000],
        "attempts": attempts,
        "consumer": consumer,
        "failed_at": int(time.time() * 1000),
    }

    await channel(dlq).send(
        key=message.key,
        value=codec.encode(dlq.value_schema, record),
        headers=list(error_headers(message, exc, attempts, consumer).items()) + current_trace_headers(),
    )
    log.warning(
        "dead-lettered %s[%d]@%d to %s: %s", message.topic, message.partition, message.offset, dlq.name, exc
    )
