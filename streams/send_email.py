"""email: ``notifications`` → ``notification_deliveries`` in PostgreSQL → the user's inbox.

Each notification's delivery is recorded first (queued, or skipped when the user turned email
notifications off or no address is known; see :mod:`sinks.notification_deliveries`), then
attempted at once. A failed attempt leaves it ``retrying`` with the time of its next attempt,
and a sweep on every worker (``IB_EMAIL_SWEEP_SECONDS``) attempts its stack's deliveries that are
due, those a stopped worker left behind included. The offset is committed once the delivery is
recorded, so the topic is never needed again for it. How an email is made and sent:
:mod:`streams.email_delivery`.
"""

from __future__ import annotations

import asyncio
import logging
import time

import faust

from sinks.notification_deliveries import NotificationDeliveries
from sinks.read_model import ReadModel
from streams.app import app, channel, settings
from streams.dead_letters import dead_letter, decode, retry_policy
from streams.email_delivery import EmailDelivery, SmtpSender
from streams.metrics import count_batch
from streams.retry_policy import GaveUp
from streams.spans import span_of
from topics.catalog import NOTIFICATIONS
from topics.errors import SerializationError

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "send_email"

log = logging.getLogger(__name__)

read_model = ReadModel(settings.database_url, max_size=4)
deliveries = NotificationDeliveries(read_model, settings.topic_prefix)
delivery = EmailDelivery(SmtpSender(settings), settings)
read_model_open = asyncio.Event()


@app.service
class DeliveriesConnection(faust.Service):
    """Opens the deliveries' connection pool (and the migrations) with the worker."""

    async def on_start(self) -> None:
        self.add_future(retry_policy.open_when_reachable(read_model.open, read_model_open, "the read model"))

    async def on_stop(self) -> None:
        await read_model.close()


async def record_with_retries(notification: dict[str, object]) -> GaveUp | None:
    """Record the delivery with the retry policy: the database being away is waited out; what
    it gave up on is returned when the notification keeps failing for a reason of its own."""
    await read_model_open.wait()
    return await retry_policy.attempt(
        lambda: deliveries.record(notification), "recording the delivery of a notification"
    )


async def attempt_due(notification_id: str | None = None) -> None:
    """Attempt what is due; a failure here is left to the next sweep."""
    try:
        while await deliveries.attempt_due(delivery.attempt, notification_id=notification_id):
            if notification_id is not None:
                return
    except Exception:
        log.exception("attempting due email deliveries failed; the next sweep tries again")


@app.timer(settings.email_sweep_seconds)
async def sweep_due_deliveries() -> None:
    if read_model_open.is_set():
        await attempt_due()


@app.agent(channel(NOTIFICATIONS), name=AGENT)
async def send_email(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        if event.message.value is None:
            continue
        try:
            notification = await decode(event, NOTIFICATIONS.value_schema)
        except SerializationError as exc:
            await dead_letter(event, exc, attempts=1, consumer=AGENT)
            continue
        started = time.monotonic()
        with span_of(event, AGENT):
            gave_up = await record_with_retries(notification)
            if gave_up is not None:
                await dead_letter(event, gave_up.error, attempts=gave_up.attempts, consumer=AGENT)
            else:
                await attempt_due(str(notification["notification_id"]))
        count_batch(AGENT, [event], time.monotonic() - started)
