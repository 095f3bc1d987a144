"""The topics Faust makes for itself (the tables' changelogs and the leader election's topic),
as Faust would create them, so the worker can create them, and wait until the broker shows
them, before its consumer group first joins.

Faust creates its leader topic lazily, after the group first joined; the group's metadata then
changes from 0 partitions to 1 and the whole group rebalances half a minute after a fresh start.
"""

from __future__ import annotations

import faust
from mode.utils.times import want_seconds

from topics.admin import WantedTopic


def changelog_topics(app: faust.App) -> list[WantedTopic]:
    wanted = []
    for table in app.tables.values():
        topic = table.changelog_topic
        config: dict[str, str] = {}
        policy = [name for name, on in (("compact", topic.compacting), ("delete", topic.deleting)) if on]
        if policy:
            config["cleanup.policy"] = ",".join(policy)
        if topic.retention:
            config["retention.ms"] = str(int(want_seconds(topic.retention) * 1000))
        config.update({key: str(value) for key, value in (topic.config or {}).items()})
        wanted.append(
            WantedTopic(topic.get_topic_name(), table.partitions or app.conf.topic_partitions, config)
        )
    return wanted


def leader_topic(app: faust.App) -> list[WantedTopic]:
    """The one-partition topic whose owner is the group's leader (``@app.timer(on_leader=True)``)."""
    if app.conf.topic_disable_leader:
        return []
    topic = app._leader_assignor._leader_topic
    return [WantedTopic(topic.get_topic_name(), topic.partitions or 1)]


def internal_topics(app: faust.App) -> list[WantedTopic]:
    return changelog_topics(app) + leader_topic(app)
