"""Topics are ready before anyone subscribes: created with their settings, and every partition
led in the broker's metadata when `ensure_named_topics` returns. The worker creates its tables'
changelogs this way too, so a fresh broker never leaves a changelog out of the first assignment
(seen in CI: the rollup failed every event with PartitionsMismatch for a minute)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from streams.__main__ import load_agents
from streams.app import app
from streams.internal_topics import changelog_topics, internal_topics
from topics.admin import WantedTopic, ensure_named_topics

pytestmark = pytest.mark.stack


async def test_created_topics_are_led_with_their_settings_when_the_call_returns(kafka_bootstrap: str) -> None:
    name = f"t-admin-{uuid.uuid4().hex[:8]}-table-changelog"
    wanted = [WantedTopic(name, 6, {"cleanup.policy": "compact"})]

    created = await ensure_named_topics(kafka_bootstrap, wanted)

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([name])
        assert described["error_code"] == 0
        assert sorted(part["partition"] for part in described["partitions"]) == list(range(6))
        assert all(part["leader"] >= 0 for part in described["partitions"])
        (configs,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        settings = {entry[0]: entry[1] for entry in configs.resources[0][4]}
        assert settings["cleanup.policy"] == "compact"
        assert created == [name]
        assert await ensure_named_topics(kafka_bootstrap, wanted) == [], "a second call creates nothing"
    finally:
        await admin.delete_topics([name])
        await admin.close()


def test_the_worker_knows_every_table_changelog_it_will_subscribe_to() -> None:
    load_agents(None)
    wanted = {topic.name: topic for topic in changelog_topics(app)}

    assert set(wanted) == {table.changelog_topic.get_topic_name() for table in app.tables.values()}
    assert {name.rsplit("-", 2)[-2] for name in wanted} >= {"speech_rollup", "analysis_parts", "open_turns"}
    for table in app.tables.values():
        topic = wanted[table.changelog_topic.get_topic_name()]
        assert topic.partitions == table.partitions
        assert topic.config["cleanup.policy"] == "compact"


def test_the_worker_creates_faust_s_leader_topic_before_the_group_joins() -> None:
    """Faust makes its leader topic lazily, after the first join; the metadata change then
    rebalanced a fresh stack half a minute after it started."""
    load_agents(None)
    wanted = {topic.name: topic for topic in internal_topics(app)}
    leader = f"{app.conf.id}-__assignor-__leader"
    assert wanted[leader].partitions == 1
    assert set(wanted) == {topic.name for topic in changelog_topics(app)} | {leader}
