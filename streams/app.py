"""The one Faust app of the worker, and the catalog's topics as Faust channels.

Agents take their topics from :func:`channel` (raw bytes in and out) and decode with the
shared Avro codec themselves, so a message that does not decode goes to its dead-letter
topic instead of stopping the partition.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from typing import Any, Protocol, cast

import faust
from faust.exceptions import ProducerSendError
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from streams.broker_credentials import broker_credentials
from streams.consumer import RebalanceSafeConsumer
from streams.settings import StreamsSettings
from topics.catalog import INTERVIEW_PARTITIONS, TopicSpec
from topics.codec import codec_from_settings
from topics.tracing import current_trace_headers

#: A record handed over whole: key, value, its timestamp in epoch milliseconds, and headers.
Record = tuple[bytes, bytes, int, list[tuple[str, bytes]]]


class IdempotentProducer(faust_aiokafka.Producer):
    """Faust enables producer idempotence only inside transactions; we want it always
    (``acks=all``), so a retried send never writes a record twice."""

    def _settings_extra(self) -> dict[str, object]:
        return {"acks": "all", "enable_idempotence": True}

    async def send_records(
        self, topic: str, partition: int, records: Sequence[Record]
    ) -> asyncio.Future[Any]:
        """Hand ``records`` to Kafka as whole record batches for one partition, without the
        future, partitioner call and accumulator lookup that ``send`` spends on each record.
        The returned future resolves when the broker has them all. Like ``send``'s records,
        they are flushed before any offset is committed."""
        producer = self._ensure_producer()
        deliveries = []
        batch = producer.create_batch()
        for key, value, timestamp_ms, headers in records:
            if batch.append(key=key, value=value, timestamp=timestamp_ms, headers=headers) is None:
                deliveries.append(await producer.send_batch(batch, topic, partition=partition))
                batch = producer.create_batch()
                if batch.append(key=key, value=value, timestamp=timestamp_ms, headers=headers) is None:
                    raise ProducerSendError(
                        f"a record of {len(value)} bytes does not fit in a batch of {topic}"
                    )
        deliveries.append(await producer.send_batch(batch, topic, partition=partition))
        return asyncio.gather(*deliveries)


faust_aiokafka.Transport.Producer = IdempotentProducer
faust_aiokafka.Transport.Consumer = RebalanceSafeConsumer


class RecordProducer(Protocol):
    """What :class:`PartitionedRecords` needs of a producer (an :class:`IdempotentProducer`)."""

    async def send_records(
        self, topic: str, partition: int, records: Sequence[Record]
    ) -> asyncio.Future[Any]: ...

    def key_partition(self, topic: str, key: bytes) -> TP: ...


class PartitionedRecords:
    """Records for one topic, each stamped as it is added and filed under the partition the
    producer's partitioner gives its key (where ``send`` would put it), then handed over as
    one record batch per partition (:meth:`IdempotentProducer.send_records`)."""

    def __init__(self, producer: RecordProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic
        self._partitions: dict[bytes, int] = {}  # the partitioner runs once per key
        self._records: dict[int, list[Record]] = {}

    def add(self, key: bytes, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        partition = self._partitions.get(key)
        if partition is None:
            partition = self._partitions[key] = self._producer.key_partition(self._topic, key).partition
        self._records.setdefault(partition, []).append((key, value, int(time.time() * 1000), headers or []))

    async def send(self) -> list[asyncio.Future[Any]]:
        """Hand every partition's records over; each future resolves when the broker has them."""
        return [
            await self._producer.send_records(self._topic, partition, records)
            for partition, records in self._records.items()
        ]


settings = StreamsSettings()
codec = codec_from_settings(settings.schema_registry_url)

app = faust.App(
    settings.faust_app_id,
    broker=f"kafka://{settings.kafka_bootstrap}",
    broker_credentials=broker_credentials(settings),
    store="memory://",
    topic_partitions=INTERVIEW_PARTITIONS,
    topic_replication_factor=settings.kafka_replication_factor,
    topic_allow_declare=True,
    web_host=settings.worker_web_host,
    web_port=settings.worker_web_port,
    web_enabled=True,
    datadir=str(settings.table_dir),
    consumer_auto_offset_reset="earliest",
    # Messages and table values are Confluent-framed Avro (or JSON) bytes that we encode ourselves.
    key_serializer="raw",
    value_serializer="raw",
    broker_commit_interval=1.0,
    # Let the idempotent producer (one request in flight) fill a batch instead of sending
    # one record per request.
    producer_linger=0.005,
    # Room for a whole agent batch's records of one partition in one record batch (the
    # speech agent hands its metrics over so: IdempotentProducer.send_records).
    producer_max_batch_size=256 * 1024,
    # A long recording keeps the transcriber busy for minutes on one event.
    broker_max_poll_interval=3600.0,
    stream_processing_timeout=3600.0,
    # Never wait for in-flight events before a rebalance: Faust drops the events buffered in
    # an agent's queue without acking them, and then waited for their acks forever (a CI run
    # hung so when a rebalance came while the rollup had a backlog). Handlers are idempotent
    # and offsets are committed only for acked events, so an event cut off is simply redone.
    stream_wait_empty=False,
    broker_session_timeout=settings.kafka_session_timeout_seconds,
    broker_heartbeat_interval=settings.kafka_session_timeout_seconds / 10,
    broker_rebalance_timeout=30.0,
    table_cleanup_interval=timedelta(minutes=5).total_seconds(),
    # Metadata refreshed every 30 s (not 5 min): on a fresh broker the first snapshot can show
    # the tables' changelog topics with 0 partitions, and handlers wait (up to 60 s, see
    # dead_letters.UNSETTLED_WAITS) for the refresh that shows them.
    consumer_metadata_max_age_ms=30_000,
)


_channels: dict[str, faust.TopicT] = {}


def channel(spec: TopicSpec) -> faust.TopicT:
    """The Faust topic for a catalog entry, carrying raw Confluent-framed Avro bytes."""
    if spec.name not in _channels:
        _channels[spec.name] = _new_channel(spec)
    return _channels[spec.name]


def _new_channel(spec: TopicSpec) -> faust.TopicT:
    return app.topic(
        spec.full_name(settings.topic_prefix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=spec.partitions,
        internal=False,
    )


def channels(*specs: TopicSpec) -> faust.TopicT:
    """One Faust channel over several catalog topics (an agent that reads them all)."""
    return app.topic(
        *(spec.full_name(settings.topic_prefix) for spec in specs),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )


def topic_spec_of(event: faust.EventT) -> str:
    """The catalog name (prefix removed) of the topic an event came from."""
    return event.message.topic.removeprefix(settings.topic_prefix)


async def send(spec: TopicSpec, key: str, value: dict[str, object]) -> None:
    """Encode ``value`` with ``spec``'s schema and send it, keyed by ``key``, carrying the current
    span's trace context (the event being processed continues its trace). It returns once the
    record is in the producer's hands; the worker flushes them before it commits an offset."""
    await _handed_over(spec, key, value)


async def send_delivered(spec: TopicSpec, key: str, value: dict[str, object]) -> None:
    """:func:`send`, returning only once the broker has the record. For a record that a table
    then remembers as sent, so that the event read again sends nothing: the record and the
    table's changelog are separate writes, and a worker killed between them must never keep
    the memory and lose the record (the interview would wait for it for ever). Killed after
    the record and before the memory, the event read again sends the record twice, which every
    reader of the topic takes once."""
    await (await _handed_over(spec, key, value))


async def _handed_over(spec: TopicSpec, key: str, value: dict[str, object]) -> Awaitable[Any]:
    """The record sent; what the returned awaitable gives is the broker's receipt of it."""
    return await channel(spec).send(
        key=key.encode(), value=codec.encode(spec.value_schema, value), headers=current_trace_headers()
    )


def send_soon(spec: TopicSpec, key: str, value: dict[str, object]) -> None:
    """Like :func:`send` without waiting: the record joins the producer's buffer, which the
    worker flushes before it commits any offset, so at-least-once still holds."""
    channel(spec).send_soon(
        key=key.encode(), value=codec.encode(spec.value_schema, value), headers=current_trace_headers()
    )


class CodecTable(faust.Table):
    """A table whose values a named Faust codec turns into changelog bytes and back.

    Faust picks a table's serializer from its value type and fixes it when the table is
    added to the app (that is when the changelog topic is made), so the codec is set here,
    before that, and both the changelog writes and the recovery reads use it.
    """

    def __init__(self, *args: Any, value_codec: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.value_serializer = value_codec


def codec_table(name: str, *, value_codec: str, partitions: int, help: str) -> faust.Table:
    """A table keyed like its source topic (the key's bytes), whose values live in memory as
    objects and travel through ``value_codec``."""
    table = CodecTable(
        app,
        name=name,
        default=None,
        beacon=app.tables.beacon,
        partitions=partitions,
        help=help,
        key_type=bytes,
        value_type=None,
        value_codec=value_codec,
    )
    return cast(faust.Table, app.tables.add(table))


def set_in_partition(table: faust.Table, key: bytes, value: object, partition: int) -> None:
    """A table write from a batch of events.

    Faust files a write under the partition of the stream's current event, which in a batch
    is the batch's last; here each key's changelog record goes to its own event's partition
    (what ``table[key] = value`` does inside a per-event loop).
    """
    table.data[key] = value
    table.send_changelog(partition, key, value)
