"""Publishing the gateway's events: Avro in the Confluent wire format, keyed by interview."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from gateway.errors import BrokerUnavailable
from gateway.tracing import event_headers
from topics import schemas
from topics.catalog import INTERVIEW_METADATA, INTERVIEW_UPLOADED, TopicSpec
from topics.codec import AvroCodec


def event_from_row(spec: TopicSpec, row: dict[str, Any]) -> dict[str, Any]:
    """The schema names the fields, so the field list is never spelled out a second time here."""
    fields = schemas.parsed(spec.value_schema)["fields"]
    return {field["name"]: row[field["name"]] for field in fields if field["name"] in row}


#: How long a request waits for the broker before it gives up and rolls back.
SEND_TIMEOUT_SECONDS = 15.0
#: How long finding a broker that takes a connection may take.
REACHABLE_TIMEOUT_SECONDS = 3.0


def make_producer(
    bootstrap_servers: str, client_options: Mapping[str, Any] | None = None
) -> AIOKafkaProducer:
    # Idempotent with acks=all: a retried send is never written twice, and an
    # acknowledged one survives the loss of the leader.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id="ib-gateway",
        acks="all",
        enable_idempotence=True,
        **(client_options or {}),
    )


class EventPublisher:
    def __init__(self, producer: AIOKafkaProducer, topic_prefix: str, codec: AvroCodec | None = None) -> None:
        self._producer = producer
        self._prefix = topic_prefix
        self._codec = codec or AvroCodec()

    async def publish(self, spec: TopicSpec, value: dict[str, Any]) -> None:
        """Publish ``value`` with the running request's trace context in the record's headers
        (``traceparent``, ``tracestate``, ``x-request-id``; see :mod:`gateway.tracing`)."""
        payload = self._codec.encode(spec.value_schema, value)
        await self._send(spec, str(value[spec.key]), payload)

    async def publish_tombstone(self, spec: TopicSpec, key: str) -> None:
        """A null value for ``key``: on a compacted topic, compaction then drops every value
        the key had, and consumers take it as "deleted"."""
        await self._send(spec, key, None)

    async def ensure_reachable(self) -> None:
        """Raise :class:`BrokerUnavailable` at once when no broker takes a connection.

        Checked before a record is handed to the producer: the idempotent producer retries a
        record until a broker takes it, so one handed over while no broker answers would be
        written when a broker is back, after the user was told that nothing was saved. A
        connection already open is reused; a broker that is down refuses at once.
        """
        client = self._producer.client
        try:
            async with asyncio.timeout(REACHABLE_TIMEOUT_SECONDS):
                for broker in client.cluster.brokers():
                    if await client.ready(broker.nodeId):
                        return
        except TimeoutError:
            pass
        raise BrokerUnavailable("no Kafka broker takes a connection")

    async def _send(self, spec: TopicSpec, key: str, payload: bytes | None) -> None:
        await self.ensure_reachable()
        try:
            await asyncio.wait_for(
                self._producer.send_and_wait(
                    spec.full_name(self._prefix), value=payload, key=key.encode(), headers=event_headers()
                ),
                SEND_TIMEOUT_SECONDS,
            )
        except (KafkaError, TimeoutError) as exc:
            raise BrokerUnavailable(f"cannot publish to {spec.full_name(self._prefix)}: {exc!r}") from exc

    async def publish_row(self, spec: TopicSpec, row: dict[str, Any]) -> None:
        """Publish the event of ``spec`` made of a read-model row's same-named columns."""
        await self.publish(spec, event_from_row(spec, row))

    async def publish_metadata(self, row: dict[str, Any]) -> None:
        await self.publish_row(INTERVIEW_METADATA, row)

    async def publish_uploaded(self, row: dict[str, Any], read_url: str | None = None) -> None:
        """``interview.uploaded`` from the interview's row (its probe's ``duration_seconds`` and
        ``has_audio`` included), with the internal readers' SAS ``read_url`` when there is one."""
        await self.publish(
            INTERVIEW_UPLOADED, {**event_from_row(INTERVIEW_UPLOADED, row), "read_url": read_url}
        )

    async def ping(self) -> None:
        """Ask the broker for metadata; raises when no broker answers."""
        try:
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 5.0)
        except (KafkaError, TimeoutError) as exc:
            raise BrokerUnavailable(f"Kafka does not answer: {exc!r}") from exc
