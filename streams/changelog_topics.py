"""The changelog topics of the worker's tables, as Faust would create them, so the worker can
create them (and wait until the broker shows them) before its consumer group first joins."""

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
