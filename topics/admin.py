"""Create topics on a broker (the catalog's, with the catalog's settings, and any others a
service names) and wait until the broker's metadata shows every partition. Idempotent. And
delete the topics of one prefix (a test's or a bench run's) when it is done with them.

Waiting matters on a fresh broker: a topic that was just created can be missing from the
metadata a consumer group's leader sees for a few seconds. Faust's assignor then leaves the
topic's partitions unassigned ("Ignoring missing topic"), and a table whose changelog was
skipped fails every event with PartitionsMismatch until the next rebalance.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from topics.catalog import ALL_TOPICS, TopicSpec

log = logging.getLogger(__name__)

#: How long a created topic may take to show all its partitions with a leader.
VISIBLE_TIMEOUT_SECONDS = 60.0
VISIBLE_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class WantedTopic:
    name: str
    partitions: int
    config: Mapping[str, str] = field(default_factory=dict)


def catalog_topics(prefix: str = "", topics: Iterable[TopicSpec] = ALL_TOPICS) -> list[WantedTopic]:
    return [WantedTopic(spec.full_name(prefix), spec.partitions, spec.broker_config()) for spec in topics]


async def ensure_topics(
    bootstrap_servers: str,
    prefix: str = "",
    topics: tuple[TopicSpec, ...] = ALL_TOPICS,
    replication_factor: int = 1,
    client_options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create every catalog topic in ``topics`` that is missing; return the names created.
    ``client_options``: the admin client's security settings (``kafka_client_options()``)."""
    return await ensure_named_topics(
        bootstrap_servers,
        catalog_topics(prefix, topics),
        replication_factor,
        client_options=client_options,
    )


async def ensure_named_topics(
    bootstrap_servers: str,
    wanted: list[WantedTopic],
    replication_factor: int = 1,
    visible_timeout: float = VISIBLE_TIMEOUT_SECONDS,
    client_options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create every topic in ``wanted`` that is missing, then wait (up to ``visible_timeout``)
    until the metadata shows each with all its partitions led; return the names created."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="ib-admin", **(client_options or {})
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in wanted if topic.name not in existing]
        if missing:
            new_topics = [
                NewTopic(
                    name=topic.name,
                    num_partitions=topic.partitions,
                    replication_factor=replication_factor,
                    topic_configs=dict(topic.config),
                )
                for topic in missing
            ]
            try:
                await admin.create_topics(new_topics)
            except TopicAlreadyExistsError:
                # Another process created some of them between list and create: that is fine.
                log.debug("some topics were created concurrently")
            await _wait_until_visible(admin, [topic.name for topic in missing], visible_timeout)
        return [topic.name for topic in missing]
    finally:
        await admin.close()


def _led_partitions(described: Mapping[str, object]) -> int:
    partitions = described.get("partitions") or []
    assert isinstance(partitions, list)
    return sum(
        1 for partition in partitions if partition.get("error_code") == 0 and partition.get("leader", -1) >= 0
    )


async def _wait_until_visible(admin: AIOKafkaAdminClient, names: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = set(names)
    while True:
        for described in await admin.describe_topics(sorted(pending)):
            name = described.get("topic") or described.get("name")
            if described.get("error_code") == 0 and name in pending:
                led = _led_partitions(described)
                # A topic that exists shows its full partition count, each partition with a leader.
                if led and led == len(described.get("partitions") or []):
                    pending.discard(name)
        if not pending:
            return
        if time.monotonic() > deadline:
            log.warning("topics not yet in the broker's metadata after %.0fs: %s", timeout, sorted(pending))
            return
        await asyncio.sleep(VISIBLE_POLL_SECONDS)


async def delete_prefixed_topics(bootstrap_servers: str, *prefixes: str) -> list[str]:
    """Delete every topic whose name starts with one of ``prefixes``; return the names deleted."""
    if not prefixes or not all(prefixes):
        raise ValueError("refusing to delete topics without a prefix: that would be every topic")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="ib-admin")
    await admin.start()
    try:
        names = [name for name in await admin.list_topics() if name.startswith(prefixes)]
        if names:
            await admin.delete_topics(names)
        return names
    finally:
        await admin.close()
