"""Create the catalog's topics on a broker, with the catalog's settings. Idempotent."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from topics.catalog import ALL_TOPICS, TopicSpec

log = logging.getLogger(__name__)


async def ensure_topics(
    bootstrap_servers: str,
    prefix: str = "",
    topics: tuple[TopicSpec, ...] = ALL_TOPICS,
    replication_factor: int = 1,
) -> list[str]:
    """Create every topic in ``topics`` that is missing; return the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="ib-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in topics if spec.full_name(prefix) not in existing]
        if not missing:
            return []
        new_topics = [
            NewTopic(
                name=spec.full_name(prefix),
                num_partitions=spec.partitions,
                replication_factor=replication_factor,
                topic_configs=spec.broker_config(),
            )
            for spec in missing
        ]
        try:
            await admin.create_topics(new_topics)
        except TopicAlreadyExistsError:
            # Another process created some of them between list and create: that is fine.
            log.debug("some topics were created concurrently")
        return [topic.name for topic in new_topics]
    finally:
        await admin.close()
