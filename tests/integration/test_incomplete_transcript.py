"""An analysis is never completed on a partial transcript, through the real worker.

A final segment whose predecessors are held back leaves the interview analysing (never
completed); when they do not come within the bound (small here, set through the worker's
environment, and scaled by the recording's duration) the interview fails with the reason.
When they come late, after the final one, the analysis is completed with every segment.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from analysis.transcript_gaps import INCOMPLETE_TRANSCRIPT
from dev.polling import wait_until_async
from dev.service_processes import ServiceProcess, new_prefix, worker_process
from dev.topic_records import Received, collect_until, produce, wait_for_record
from tests.integration.transcript_segments import scripted_segments
from topics.catalog import (
    ANALYSIS_COMPLETED,
    INTERVIEW_STATE,
    SEGMENT_METRICS,
    TRANSCRIPT_SEGMENTS,
    TopicSpec,
)

pytestmark = pytest.mark.stack

USER = "incomplete-transcript-user"
#: Missing segments are waited for max(MIN_WAIT, PER_AUDIO_SECOND × audio duration).
MIN_WAIT_SECONDS = 3.0
PER_AUDIO_SECOND = 0.2
#: The lines below take 23 s: a wait of 4.6 s. As 40 s of audio (long silences): 8 s.
SHORT_AUDIO = 23.0
LONG_AUDIO = 40.0
LINES = [
    "Tell me about a time you missed a deadline?",
    "Last year I promised a report by Friday.",
    "I wrote a plan and shipped it on Monday.",
    "How would you handle an angry customer?",
    "I would listen first and then offer a fix.",
    "We would call them the next day to check.",
]
HELD_BACK = 3  # segments 0..2 come after the final one, or never
TIMEOUT = 180.0


@pytest.fixture(scope="module")
def worker(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    process = worker_process(new_prefix(), tmp_path_factory.mktemp("worker"), kafka_bootstrap, database_url)
    process.extra_env.update(
        {
            "IB_TRANSCRIPT_WAIT_MIN_SECONDS": str(MIN_WAIT_SECONDS),
            "IB_TRANSCRIPT_WAIT_PER_AUDIO_SECOND": str(PER_AUDIO_SECOND),
        }
    )
    process.start()
    yield process
    process.stop()


def segments(interview_id: str, audio_duration: float) -> list[dict[str, Any]]:
    return scripted_segments(
        interview_id,
        USER,
        LINES,
        confidence=0.95,
        word_seconds=0.35,
        pause_seconds=1.0,
        audio_duration=audio_duration,
    )


async def send_segments(worker: ServiceProcess, interview_id: str, chosen: list[dict[str, Any]]) -> None:
    for segment in chosen:
        await produce(worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix, interview_id, segment)


def states_of(records: list[Received], interview_id: str) -> list[dict[str, Any]]:
    return [
        record.decoded(INTERVIEW_STATE)
        for record in records
        if record.key == interview_id.encode() and record.value is not None
    ]


async def states_until_finished(worker: ServiceProcess, interview_id: str) -> list[dict[str, Any]]:
    """The interview's states in order, up to the first COMPLETED or FAILED one."""
    finished = {"COMPLETED", "FAILED"}
    records = await collect_until(
        worker.kafka_bootstrap,
        INTERVIEW_STATE,
        worker.topic_prefix,
        lambda seen: any(state["status"] in finished for state in states_of(seen, interview_id)),
        timeout=TIMEOUT,
    )
    states = states_of(records, interview_id)
    statuses = [state["status"] for state in states]
    return states[: min(statuses.index(status) for status in finished if status in statuses) + 1]


async def records_to_end(worker: ServiceProcess, spec: TopicSpec, interview_id: str) -> list[Received]:
    """The interview's records on ``spec`` as of now: the topic read up to its end offsets."""
    topic = spec.full_name(worker.topic_prefix)
    consumer = AIOKafkaConsumer(bootstrap_servers=worker.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(
            [TopicPartition(topic, partition) for partition in range(spec.partitions)]
        )
    finally:
        await consumer.stop()

    def at_end(seen: list[Received]) -> bool:
        reached: dict[int, int] = {}
        for record in seen:
            reached[record.partition] = max(reached.get(record.partition, 0), record.offset + 1)
        return all(reached.get(tp.partition, 0) >= offset for tp, offset in ends.items())

    seen = await collect_until(worker.kafka_bootstrap, spec, worker.topic_prefix, at_end, timeout=60.0)
    return [record for record in seen if record.key == interview_id.encode()]


async def wait_until_the_worker_has_read(worker: ServiceProcess, records: list[Received]) -> None:
    """Until the worker's group has committed past ``records`` of segment.metrics: every agent
    that reads the topic (the rollup among them) is done with them."""
    topic = SEGMENT_METRICS.full_name(worker.topic_prefix)
    group = f"{worker.topic_prefix}interview-buddy"
    admin = AIOKafkaAdminClient(bootstrap_servers=worker.kafka_bootstrap)
    await admin.start()

    async def committed_past() -> bool:
        offsets = await admin.list_consumer_group_offsets(group)
        committed = {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
        return all(committed.get(record.partition, -1) > record.offset for record in records)

    try:
        await wait_until_async(
            committed_past, TIMEOUT, f"{group} committing past {len(records)} records of {topic}"
        )
    finally:
        await admin.close()


async def test_a_final_segment_without_its_predecessors_fails_the_interview_after_the_bound(
    worker: ServiceProcess,
) -> None:
    interview_id = f"holes-{uuid.uuid4().hex[:8]}"
    transcript = segments(interview_id, SHORT_AUDIO)
    await send_segments(worker, interview_id, transcript[HELD_BACK:])

    final_metrics = await wait_for_record(
        worker.kafka_bootstrap,
        SEGMENT_METRICS,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.decoded(SEGMENT_METRICS)["final"],
        timeout=TIMEOUT,
    )
    states = await states_until_finished(worker, interview_id)

    # It stayed in its stage while it waited, then failed: never completed.
    assert [state["status"] for state in states][-2:] == ["ANALYZING", "FAILED"]
    failed = states[-1]
    assert failed["error_code"] == INCOMPLETE_TRANSCRIPT
    assert "parts 1–3 of 6 never reached the analysis" in failed["error_reason"]
    assert "try again" in failed["error_reason"]
    # Not before the bound: the wait starts when the rollup sees the final segment's metrics.
    waited = failed["updated_at"].timestamp() - final_metrics.timestamp / 1000
    assert waited >= max(MIN_WAIT_SECONDS, PER_AUDIO_SECOND * SHORT_AUDIO) - 0.1, waited
    assert await records_to_end(worker, ANALYSIS_COMPLETED, interview_id) == []

    # The missing segments turn up after the interview failed: it stays failed, not completed.
    await send_segments(worker, interview_id, transcript[:HELD_BACK])
    late_metrics = await collect_until(
        worker.kafka_bootstrap,
        SEGMENT_METRICS,
        worker.topic_prefix,
        lambda seen: (
            len({r.decoded(SEGMENT_METRICS)["seq"] for r in seen if r.key == interview_id.encode()})
            == len(LINES)
        ),
        timeout=TIMEOUT,
    )
    await wait_until_the_worker_has_read(worker, [r for r in late_metrics if r.key == interview_id.encode()])
    assert await records_to_end(worker, ANALYSIS_COMPLETED, interview_id) == []
    last = states_of(await records_to_end(worker, INTERVIEW_STATE, interview_id), interview_id)[-1]
    assert last["status"] == "FAILED"


async def test_predecessors_that_come_after_the_final_segment_complete_the_analysis_with_every_segment(
    worker: ServiceProcess,
) -> None:
    interview_id = f"late-{uuid.uuid4().hex[:8]}"
    transcript = segments(interview_id, LONG_AUDIO)
    # The final segment first: every agent reads segments 3, 4 and 5 before 0, 1 and 2.
    await send_segments(worker, interview_id, [*transcript[HELD_BACK:], *transcript[:HELD_BACK]])

    record = await wait_for_record(
        worker.kafka_bootstrap,
        ANALYSIS_COMPLETED,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.value is not None,
        timeout=TIMEOUT,
    )
    analysis = record.decoded(ANALYSIS_COMPLETED)
    # Every segment's words and turns, the held-back ones' too.
    assert analysis["speech"]["word_count"] == sum(len(line.split()) for line in LINES)
    content = json.loads(analysis["content"])
    assert [turn["question"] for turn in content["turns"]] == [LINES[0], LINES[3]]
    states = await states_until_finished(worker, interview_id)
    assert [state["status"] for state in states][-2:] == ["ANALYZING", "COMPLETED"]
    assert len(await records_to_end(worker, ANALYSIS_COMPLETED, interview_id)) == 1
