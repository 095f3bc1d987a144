"""Every event of ``interview.state`` and ``notifications``, read by each gateway replica.

The consumer belongs to no consumer group: it is assigned every partition of both topics and
starts at their ends, so each replica gets every event from the moment it is ready (nothing
is shared, nothing committed, no rebalance when a replica comes or goes). Events are routed
by the ``user_id`` they carry to that user's sockets on this replica (:class:`LiveHub`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from gateway.live.hub import LiveHub
from gateway.live.messages import InterviewStateMessage, NotificationMessage
from topics.catalog import INTERVIEW_STATE, NOTIFICATIONS, TopicSpec
from topics.codec import AvroCodec

log = logging.getLogger(__name__)

FEED_TOPICS: tuple[TopicSpec, ...] = (INTERVIEW_STATE, NOTIFICATIONS)
#: How long the gateway's start waits for the feed's first positions before it goes on.
READY_TIMEOUT_SECONDS = 30.0


def message_of(spec: TopicSpec, event: dict[str, Any]) -> dict[str, Any]:
    if spec is NOTIFICATIONS:
        return NotificationMessage.from_event(event).model_dump(mode="json")
    return InterviewStateMessage.from_event(event).model_dump(mode="json")


class LiveFeed:
    def __init__(
        self,
        bootstrap: str,
        topic_prefix: str,
        codec: AvroCodec,
        hub: LiveHub,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._bootstrap = bootstrap
        self._client_options = dict(client_options or {})
        self._specs = {spec.full_name(topic_prefix): spec for spec in FEED_TOPICS}
        self._codec = codec
        self._hub = hub
        #: Set once the consumer holds a position at the end of every partition.
        self.ready = asyncio.Event()

    async def run_forever(self) -> None:
        """:meth:`run`, started again (at the topics' ends) whenever it fails."""
        delay = 0.5
        while True:
            try:
                await self.run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the live feed stopped; starting it again in %.1fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            client_id="ib-gateway-live",
            **self._client_options,
        )
        await consumer.start()
        try:
            partitions = self._partitions()
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for partition in partitions:
                await consumer.position(partition)
            self.ready.set()
            async for record in consumer:
                self.handle(record.topic, record.value)
        finally:
            await consumer.stop()

    def _partitions(self) -> list[TopicPartition]:
        """Every partition of the feed's topics, as the catalog makes them (the gateway
        ensures the topics at its start)."""
        return [
            TopicPartition(topic, partition)
            for topic, spec in self._specs.items()
            for partition in range(spec.partitions)
        ]

    def handle(self, topic: str, value: bytes | None) -> None:
        spec = self._specs.get(topic)
        if spec is None or value is None:
            return  # a tombstone: a deleted interview has nothing more to show
        try:
            event = self._codec.decode(value, spec.value_schema)
            message = message_of(spec, event)
        except Exception:
            log.exception("a live %s event could not be read; skipped", spec.name)
            return
        if spec is NOTIFICATIONS and not self._hub.first_time(str(event["notification_id"])):
            return
        self._hub.publish(str(event["user_id"]), message)
