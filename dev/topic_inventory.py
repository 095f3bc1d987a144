"""Every catalog topic on the broker as an operator sizes it up: partitions, the offsets they
hold, retention, bytes on disk, and the lag of every consumer group that reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from dev.kafka_log_dirs import partition_bytes
from topics.catalog import ALL_TOPICS, versioned_by_name


@dataclass(frozen=True)
class TopicInventory:
    name: str
    partitions: int
    #: The first offset still held and the next one to be written, summed over partitions.
    first_offset: int
    end_offset: int
    cleanup_policy: str
    #: ``retention.ms`` as the broker has it; -1 keeps records for ever.
    retention_ms: int
    size_bytes: int
    #: Each consumer group with offsets here: records it has not committed yet.
    lag_by_group: dict[str, int] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return self.end_offset - self.first_offset


async def topic_inventory(bootstrap: str, prefix: str = "") -> list[TopicInventory]:
    """One entry per catalog topic that exists on the broker, in catalog order, then the versioned
    topics of reprocessing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ib-ops")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        existing = set(await admin.list_topics())
        names = [spec.full_name(prefix) for spec in ALL_TOPICS if spec.full_name(prefix) in existing]
        # The versioned topics `ib reprocess` made, after the catalog's own.
        names += sorted(
            name
            for name in existing
            if name.startswith(prefix) and versioned_by_name(name.removeprefix(prefix)) is not None
        )
        if not names:
            return []
        described = {entry["topic"]: entry for entry in await admin.describe_topics(names)}
        partitions = {
            name: sorted(int(p["partition"]) for p in described[name]["partitions"]) for name in names
        }
        every = [TopicPartition(name, p) for name in names for p in partitions[name]]
        beginnings = await consumer.beginning_offsets(every)
        ends = await consumer.end_offsets(every)
        configs = await _retention(admin, names)
        sizes = await partition_bytes(admin, partitions)
        lags = await _lags(admin, prefix, set(names), ends)
        return [
            TopicInventory(
                name=name,
                partitions=len(partitions[name]),
                first_offset=sum(beginnings[TopicPartition(name, p)] for p in partitions[name]),
                end_offset=sum(ends[TopicPartition(name, p)] for p in partitions[name]),
                cleanup_policy=configs[name].get("cleanup.policy", "delete"),
                retention_ms=int(configs[name].get("retention.ms", "-1")),
                size_bytes=sizes[name],
                lag_by_group=lags.get(name, {}),
            )
            for name in names
        ]
    finally:
        await consumer.stop()
        await admin.close()


async def _retention(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    wanted = {"cleanup.policy": None, "retention.ms": None}
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name, dict(wanted)) for name in names]
    )
    configs: dict[str, dict[str, str]] = {name: {} for name in names}
    for response in responses:
        for _error, _message, _kind, name, entries in response.resources:
            configs[name] = {entry[0]: entry[1] for entry in entries}
    return configs


async def _lags(
    admin: AIOKafkaAdminClient, prefix: str, names: set[str], ends: dict[TopicPartition, int]
) -> dict[str, dict[str, int]]:
    """Per topic, each group's lag (the partitions' ends less its committed offsets), for the
    groups of this prefix (a test's or a stack's groups carry its prefix as its topics do)."""
    lags: dict[str, dict[str, int]] = {}
    for group, _protocol in await admin.list_consumer_groups():
        if not str(group).startswith(prefix):
            continue
        committed = await admin.list_consumer_group_offsets(group)
        for tp, meta in committed.items():
            if tp.topic in names and tp in ends and meta.offset >= 0:
                by_group = lags.setdefault(tp.topic, {})
                by_group[group] = by_group.get(group, 0) + max(0, ends[tp] - meta.offset)
    return lags
