"""Where a reprocessing writes: the versioned topics, made on demand with their live topics'
settings, written in one Kafka transaction per run, and never written twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dev.replay.reader import Replay
from dev.reprocess.inputs import EARLIEST, LATEST
from dev.topic_records import transactional_producer
from topics.admin import WantedTopic, ensure_named_topics
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    REPROCESSED_TOPICS,
    SEGMENT_METRICS,
    versioned_topic,
)
from topics.codec import AvroCodec

#: Each record written carries where the analysis it replaces sits on the live topic.
REPROCESSED_FROM_HEADER = "ib-reprocessed-from"


class VersionExists(Exception):
    """The version was written before: a version is written once."""


@dataclass(frozen=True)
class Output:
    """The records of one interview to write: its metrics, its answers when they were read again,
    and its analysis, on the partition of its live analysis (so the versioned topics are
    co-partitioned with the live ones)."""

    interview_id: str
    partition: int
    reprocessed_from: str
    metrics: Sequence[dict[str, object]]
    analysis: dict[str, object]
    #: The answers read again (``--reanalyze-answers``), or none.
    answers: Sequence[dict[str, object]] = ()


async def ensure_version_topics(bootstrap: str, prefix: str, version: int) -> list[str]:
    wanted = [
        WantedTopic(versioned.full_name(prefix), versioned.partitions, versioned.broker_config())
        for versioned in (versioned_topic(spec, version) for spec in REPROCESSED_TOPICS)
    ]
    return await ensure_named_topics(bootstrap, wanted)


async def written_before(bootstrap: str, prefix: str, version: int, codec: AvroCodec) -> int:
    """How many committed analyses the version's topic holds (an aborted run's records do not count)."""
    spec = versioned_topic(ANALYSIS_COMPLETED, version)
    count = 0
    async with Replay(bootstrap, spec.full_name(prefix), spec.value_schema, codec) as source:
        async for _record in source.records(await source.ranges(EARLIEST, LATEST)):
            count += 1
    return count


async def write_version(
    bootstrap: str, prefix: str, version: int, codec: AvroCodec, outputs: Sequence[Output]
) -> None:
    """Every output to the version's topics in one transaction, unless the version has analyses
    already (:class:`VersionExists`). The transactional id is the version's, so a second run of
    the same version at the same moment is fenced, and checks after the first committed."""
    metrics_topic = versioned_topic(SEGMENT_METRICS, version)
    answers_topic = versioned_topic(ANSWER_ANALYSIS, version)
    analysis_topic = versioned_topic(ANALYSIS_COMPLETED, version)
    producer = transactional_producer(
        bootstrap, f"ib-reprocess-{analysis_topic.full_name(prefix)}", "reprocess"
    )
    await producer.start()
    try:
        before = await written_before(bootstrap, prefix, version, codec)
        if before:
            raise VersionExists(
                f"version {version} was written before ({analysis_topic.full_name(prefix)} holds "
                f"{before} analyses); reprocess into another --into-version"
            )
        async with producer.transaction():
            for output in outputs:
                records = [
                    *((metrics_topic, metrics) for metrics in output.metrics),
                    *((answers_topic, answer) for answer in output.answers),
                    (analysis_topic, output.analysis),
                ]
                for topic, value in records:
                    await producer.send(
                        topic.full_name(prefix),
                        key=output.interview_id.encode(),
                        value=codec.encode(topic.value_schema, dict(value)),
                        partition=output.partition,
                        headers=[(REPROCESSED_FROM_HEADER, output.reprocessed_from.encode())],
                    )
    finally:
        await producer.stop()
