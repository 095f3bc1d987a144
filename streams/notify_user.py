"""notify: ``analysis.completed`` and failed ``interview.state`` → ``notifications``.

One notification per analysis run: the ``notified_runs`` table (rebuilt from its changelog
after a crash) holds the last run each interview was notified of, so a replay of either topic,
or an event read again after a rebalance, notifies no one twice. The notification is sent
before the table is written: cut off between the two, the event is processed again and the
same notification (its id is a function of interview, run and kind) is sent again, which its
readers recognise (``send_email`` keys its deliveries by the id, the gateway drops an id it
has pushed). An event older than ``IB_NOTIFY_MAX_AGE_SECONDS`` tells no one: a new consumer
group reads the compacted topics from their start, and old analyses are no news. What a
notification says is :mod:`analysis.notifications`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import faust

from analysis import notifications
from streams.app import app, channels, send_delivered, settings, topic_spec_of
from streams.dead_letters import process_event
from streams.tombstones import is_tombstone, tombstone_key
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_STATE, NOTIFICATIONS

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "notify_user"

notified_runs = app.Table(
    "notified_runs",
    default=None,
    partitions=ANALYSIS_COMPLETED.partitions,
    key_type=str,
    value_type=bytes,
    help="The last analysis run each interview's user was notified of (the run as ASCII digits).",
)


def notified_run(interview_id: str) -> int | None:
    stored = notified_runs.get(interview_id)
    return None if stored is None else int(stored)


def notification_of(value: dict[str, Any], topic: str) -> notifications.Notification | None:
    if topic == ANALYSIS_COMPLETED.name:
        return notifications.for_completed_analysis(value, settings.web_url)
    return notifications.for_failed_state(value, settings.web_url)


async def notify(value: dict[str, Any], event: faust.EventT) -> None:
    notification = notification_of(value, topic_spec_of(event))
    if notification is None:
        return
    interview_id = notification["interview_id"]
    if not notifications.is_new_run(notified_run(interview_id), notification):
        return
    if not notifications.is_recent(notification, datetime.now(UTC), settings.notify_max_age_seconds):
        return
    await send_delivered(NOTIFICATIONS, notification["user_id"], notification)
    notified_runs[interview_id] = str(notification["run"]).encode()


@app.agent(channels(ANALYSIS_COMPLETED, INTERVIEW_STATE), name=AGENT)
async def notify_user(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        if is_tombstone(event):
            # The interview was deleted: nothing more to tell of it.
            interview_id = tombstone_key(event)
            if interview_id:
                notified_runs.pop(interview_id, None)
            continue
        await process_event(event, notify, consumer=AGENT)
