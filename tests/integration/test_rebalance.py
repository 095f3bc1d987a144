"""Nothing is lost when the worker's consumer group rebalances under load.

A real worker (the speech agent alone: a short handler, so every record's effect is quick to
see) consumes transcript.segments while records keep arriving: first on half the partitions,
then on all of them while a second worker joins (a rebalance and the tables' recovery, with
partitions that have no committed offset yet) and leaves again. Every record must get its
metrics. Before the consumer's fix, the records written to a never-committed partition during
the rebalance, and the events buffered when a partition was revoked, were skipped for good.

A worker restarted after its group's committed offsets were deleted reads every partition from
the start, and the read model's rows come out the same.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from dev.polling import wait_until_async
from dev.service_processes import ServiceProcess, new_prefix, worker_process
from dev.topic_records import codec, collect_until
from tests.integration.consumer_groups import committed_offsets, group_members, wait_for_group
from topics.catalog import INTERVIEW_PARTITIONS, SEGMENT_METRICS, TRANSCRIPT_SEGMENTS

pytestmark = [pytest.mark.stack, pytest.mark.slow]

#: Records produced per second while the group changes: a steady load, not a burst.
RATE_PER_SECOND = 40


def interviews_by_partition(per_partition: int) -> dict[int, list[str]]:
    """Interview ids whose records land on each partition (the producers' default partitioner)."""
    partitioner = DefaultPartitioner()
    partitions = list(range(INTERVIEW_PARTITIONS))
    found: dict[int, list[str]] = {partition: [] for partition in partitions}
    for number in itertools.count():
        interview_id = f"rebalance-{number:04d}"
        partition = partitioner(interview_id.encode(), partitions, partitions)
        if len(found[partition]) < per_partition:
            found[partition].append(interview_id)
        if all(len(ids) == per_partition for ids in found.values()):
            return found
    raise AssertionError("unreachable")


def segment(interview_id: str, seq: int) -> dict[str, Any]:
    text = f"um so in part {seq} I, uh, rewrote the scheduler and it worked"
    start = 10.0 * seq
    words = [
        {"word": word, "start": start + 0.4 * index, "end": start + 0.4 * index + 0.3, "confidence": 0.9}
        for index, word in enumerate(text.split())
    ]
    return {
        "interview_id": interview_id,
        "user_id": "rebalance-user",
        "seq": seq,
        "start": start,
        "end": words[-1]["end"],
        "text": text,
        "words": words,
        "confidence": 0.9,
        "speaker": None,
        "language": "en",
        "engine": "test",
        "audio_duration": 3600.0,
        "processed_seconds": start + 5.0,
        "elapsed_seconds": 1.0,
        "final": False,
    }


class SteadyLoad:
    """Transcript segments produced at a steady rate, round-robin over the interviews it is
    told to feed, with each interview's ``seq`` counting up; remembers every one it sent."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic
        self._next_seq: dict[str, int] = {}
        self.sent: set[tuple[str, int]] = set()
        self.interviews: list[str] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        for number in itertools.count():
            interview_id = self.interviews[number % len(self.interviews)]
            seq = self._next_seq.get(interview_id, 0)
            self._next_seq[interview_id] = seq + 1
            value = codec.encode(TRANSCRIPT_SEGMENTS.value_schema, segment(interview_id, seq))
            await self._producer.send_and_wait(self._topic, key=interview_id.encode(), value=value)
            self.sent.add((interview_id, seq))
            await asyncio.sleep(1 / RATE_PER_SECOND)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def speech_worker(prefix: str, run_dir: Path, kafka_bootstrap: str, database_url: str) -> ServiceProcess:
    worker = worker_process(prefix, run_dir, kafka_bootstrap, database_url)
    worker.extra_env["IB_AGENTS"] = "measure_speech"
    return worker


def measured(records: list[Any]) -> dict[tuple[str, int], set[bytes]]:
    """(interview, seq) → the distinct metrics records written for it."""
    found: dict[tuple[str, int], set[bytes]] = {}
    for record in records:
        metrics = record.decoded(SEGMENT_METRICS)
        found.setdefault((metrics["interview_id"], metrics["seq"]), set()).add(record.value)
    return found


async def test_no_segment_is_lost_while_a_worker_joins_and_leaves_under_load(
    kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    prefix = new_prefix()
    group_id = f"{prefix}interview-buddy-measure_speech"
    first = speech_worker(prefix, tmp_path / "first", kafka_bootstrap, database_url)
    second = speech_worker(prefix, tmp_path / "second", kafka_bootstrap, database_url)
    by_partition = interviews_by_partition(per_partition=2)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    load = SteadyLoad(producer, TRANSCRIPT_SEGMENTS.full_name(prefix))
    await producer.start()
    try:
        await asyncio.to_thread(first.start)
        await wait_for_group(kafka_bootstrap, group_id, members=1)
        # Half the partitions get records (and committed offsets); the others stay untouched.
        load.interviews = [interview for partition in (0, 1, 2) for interview in by_partition[partition]]
        load.start()
        await wait_for_committed(kafka_bootstrap, group_id, TRANSCRIPT_SEGMENTS.full_name(prefix), {0, 1, 2})
        uncommitted = {3, 4, 5}
        # A second member joins. Once the group is rebalancing, every partition gets records:
        # the untouched ones for the first time, during the rebalance and the recovery.
        joining = asyncio.create_task(asyncio.to_thread(second.start))
        await wait_for_rebalance(kafka_bootstrap, group_id)
        load.interviews = [interview for ids in by_partition.values() for interview in ids]
        await joining
        await wait_for_group(kafka_bootstrap, group_id, members=2)
        # And leaves again, with records still arriving on every partition.
        await asyncio.to_thread(second.stop)
        await wait_for_group(kafka_bootstrap, group_id, members=1)
        await load.stop()

        expected = set(load.sent)
        on_uncommitted = {
            (interview, seq)
            for interview, seq in expected
            if any(interview in by_partition[partition] for partition in uncommitted)
        }
        assert on_uncommitted, "records reached the partitions that had no committed offset"
        seen: list[Any] = []

        def all_measured(records: list[Any]) -> bool:
            seen[:] = records
            return expected <= set(measured(records))

        try:
            await collect_until(kafka_bootstrap, SEGMENT_METRICS, prefix, all_measured, timeout=180)
        except AssertionError:
            missing = sorted(expected - set(measured(seen)))
            lost_on_uncommitted = sorted(set(missing) & on_uncommitted)
            raise AssertionError(
                f"{len(missing)} of {len(expected)} segments never measured "
                f"({len(lost_on_uncommitted)} on partitions that had no committed offset): {missing[:40]}"
                f"\n{first.problems()}"
            ) from None
    finally:
        await producer.stop()
        second.stop()
        first.stop()
    found = measured(seen)
    # A segment measured twice (its batch finished as its partition moved) gives the same record.
    assert {key: values for key, values in found.items() if len(values) > 1} == {}


async def wait_for_rebalance(bootstrap: str, group_id: str, timeout: float = 120.0) -> None:
    """Until the group leaves the Stable state (a member joined or left)."""

    async def rebalancing() -> bool:
        state, _ = await group_members(bootstrap, group_id)
        return state != "Stable"

    # Asked often: the group may be Stable again soon after the join starts.
    await wait_until_async(rebalancing, timeout, f"group {group_id} rebalancing", interval=0.05)


async def wait_for_committed(bootstrap: str, group_id: str, topic: str, partitions: set[int]) -> None:
    """Until the group has committed an offset on each of ``partitions`` of ``topic``."""

    async def committed() -> bool:
        offsets = await committed_offsets(bootstrap, group_id)
        return partitions <= {partition for (name, partition) in offsets if name == topic}

    await wait_until_async(committed, 60, f"offsets committed on {topic} partitions {sorted(partitions)}")
