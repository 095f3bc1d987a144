"""`ib reprocess` on the real broker and PostgreSQL: an interview analysed live by the real
worker, then reprocessed into version 2 with a changed scoring (the overall score weighing the
speech alone, set in this process, where `ib reprocess` runs) → analysis.completed.v2 holds the
new score and segment.metrics.v2 every segment's metrics; the live topics, the consumer groups,
the read model and the notifications are untouched; the report shows old, new and the change.
A second run into version 2 is refused and changes nothing; each bad input is refused, saying why.
Version 3 reads the answers again too, under another STAR scoring; an interview deleted since is
not reprocessed."""

from __future__ import annotations

import asyncio
import csv
import json
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from typer.testing import CliRunner

from analysis import content_section
from analysis.content.star import PART_WEIGHTS
from dev.cli import app
from dev.polling import wait_until, wait_until_async
from dev.service_processes import ServiceProcess
from dev.topic_inventory import topic_inventory
from dev.topic_records import Received, collect_until, produce, wait_for_record
from tests.integration.transcript_segments import scripted_segments
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    INTERVIEW_STATE,
    NOTIFICATIONS,
    SEGMENT_METRICS,
    TOPICS,
    TRANSCRIPT_SEGMENTS,
    versioned_topic,
)

pytestmark = pytest.mark.stack

USER = "reprocess-user"
LINES = [
    "Tell me about a time you missed a deadline?",
    "Um, last year I promised a report by Friday and, uh, it slipped.",
    "I wrote a plan, asked for help and shipped it on Monday.",
    "How would you handle an angry customer?",
    "I would listen first and then, um, offer a fix.",
    "We called them the next day and they stayed with us.",
]
TIMEOUT = 180.0


def segments(interview_id: str) -> list[dict[str, Any]]:
    return scripted_segments(interview_id, USER, LINES, confidence=0.93, word_seconds=0.36, pause_seconds=0.8)


async def end_offsets(bootstrap: str, names: list[str]) -> dict[str, list[int]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(name, p) for name in names for p in range(6)])
    finally:
        await consumer.stop()
    return {name: [ends[TopicPartition(name, p)] for p in range(6)] for name in names}


async def groups_on(bootstrap: str, prefix: str) -> dict[str, dict[TopicPartition, int]]:
    """Each consumer group with offsets on the test's topics, and those offsets (other tests'
    groups on the shared broker come and go, and are left out)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        found = {}
        for group, *_ in await admin.list_consumer_groups():
            offsets = await admin.list_consumer_group_offsets(group)
            ours = {tp: meta.offset for tp, meta in offsets.items() if tp.topic.startswith(prefix)}
            if ours:
                found[group] = ours
        return found
    finally:
        await admin.close()


def read_model(database_url: str, interview_id: str) -> tuple[Any, ...]:
    with psycopg.connect(database_url) as connection:
        analysis = connection.execute(
            "SELECT overall_score, document, completed_at FROM analyses WHERE interview_id = %s",
            (interview_id,),
        ).fetchone()
        deliveries = connection.execute(
            "SELECT notification_id, status, attempts FROM notification_deliveries WHERE interview_id = %s",
            (interview_id,),
        ).fetchall()
    return analysis, deliveries


async def all_of(worker: ServiceProcess, spec: Any, interview_id: str) -> list[Received]:
    """The interview's records on a topic, read to its end offsets as of now."""
    topic = spec.full_name(worker.topic_prefix)
    ends = (await end_offsets(worker.kafka_bootstrap, [topic]))[topic]

    def at_end(seen: list[Received]) -> bool:
        reached = [0] * 6
        for record in seen:
            reached[record.partition] = max(reached[record.partition], record.offset + 1)
        # Transaction markers take an offset of their own: within one of the end is the end.
        return all(reached[p] >= ends[p] - 1 for p in range(6))

    seen = await collect_until(worker.kafka_bootstrap, spec, worker.topic_prefix, at_end, timeout=60.0)
    return [record for record in seen if record.key == interview_id.encode()]


async def produce_tombstone(worker: ServiceProcess, interview_id: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=worker.kafka_bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            ANALYSIS_COMPLETED.full_name(worker.topic_prefix), key=interview_id.encode(), value=None
        )
    finally:
        await producer.stop()


async def worker_caught_up(worker: ServiceProcess) -> bool:
    """The worker's group has committed every record of the live topics it reads: it will write
    nothing more of this interview."""
    group = f"{worker.topic_prefix}interview-buddy"
    committed = (await groups_on(worker.kafka_bootstrap, worker.topic_prefix)).get(group, {})
    if not committed:
        return False
    ends = await end_offsets(worker.kafka_bootstrap, sorted({tp.topic for tp in committed}))
    return all(offset >= ends[tp.topic][tp.partition] for tp, offset in committed.items())


async def invoke(worker: ServiceProcess, *args: str) -> Any:
    """`ib reprocess ARGS` in this process (the command runs its own event loop: in a thread)."""
    return await asyncio.to_thread(
        CliRunner().invoke,
        app,
        ["reprocess", "--bootstrap", worker.kafka_bootstrap, "--prefix", worker.topic_prefix, *args],
    )


async def test_an_analysis_reprocessed_with_a_new_scoring_goes_to_v2_and_nothing_live_moves(
    worker: ServiceProcess, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview_id = f"reprocess-{uuid.uuid4().hex[:8]}"
    for segment in segments(interview_id):
        await produce(worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix, interview_id, segment)
    live = (
        await wait_for_record(
            worker.kafka_bootstrap,
            ANALYSIS_COMPLETED,
            worker.topic_prefix,
            lambda r: r.key == interview_id.encode() and r.value is not None,
            timeout=TIMEOUT,
        )
    ).decoded(ANALYSIS_COMPLETED)
    # Settled: the read model has the analysis and the user was notified (one notification).
    await wait_for_record(
        worker.kafka_bootstrap,
        NOTIFICATIONS,
        worker.topic_prefix,
        lambda r: r.decoded(NOTIFICATIONS)["interview_id"] == interview_id,
        timeout=TIMEOUT,
    )
    await wait_for_record(
        worker.kafka_bootstrap,
        INTERVIEW_STATE,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.decoded(INTERVIEW_STATE)["status"] == "COMPLETED",
        timeout=TIMEOUT,
    )
    wait_until(lambda: all(read_model(database_url, interview_id)), TIMEOUT, "the analysis and its delivery")
    await wait_until_async(
        lambda: worker_caught_up(worker), TIMEOUT, "the worker's group committing every live record"
    )
    live_topics = [spec.full_name(worker.topic_prefix) for spec in TOPICS]
    offsets_before = await end_offsets(worker.kafka_bootstrap, live_topics)
    groups_before = await groups_on(worker.kafka_bootstrap, worker.topic_prefix)
    model_before = read_model(database_url, interview_id)

    # The new scoring: the overall score is the speech score alone.
    speech_score = live["scores"]["speech"]
    assert live["overall_score"] != speech_score, "the content scores should move the live overall score"
    monkeypatch.setattr(content_section, "CATEGORY_WEIGHTS", {"speech": 1.0})
    report = tmp_path / "report.csv"
    result = await invoke(
        worker, "--into-version", "2", "--interviews", interview_id, "--report", str(report)
    )
    assert result.exit_code == 0, result.output

    [v2] = await all_of(worker, versioned_topic(ANALYSIS_COMPLETED, 2), interview_id)
    new = v2.decoded(ANALYSIS_COMPLETED)
    # Each record says which live analysis it recomputes: "<topic>:<partition>:<offset>".
    v2_source_offset = int(v2.headers["ib-reprocessed-from"].decode().rsplit(":", 1)[1])
    assert new["overall_score"] == speech_score
    assert new["scores"] == live["scores"] and new["run"] == live["run"]
    assert json.loads(new["content"])["turns"][0]["question"] == LINES[0]
    metrics = [
        r.decoded(SEGMENT_METRICS)
        for r in await all_of(worker, versioned_topic(SEGMENT_METRICS, 2), interview_id)
    ]
    assert [m["seq"] for m in metrics] == list(range(len(LINES)))
    live_metrics = [r.decoded(SEGMENT_METRICS) for r in await all_of(worker, SEGMENT_METRICS, interview_id)]
    assert metrics == live_metrics  # the speech agent's own function, the same figures

    # The report, printed and written.
    change = round(speech_score - live["overall_score"], 1)
    assert interview_id in result.output and f"{change:+.1f}" in result.output
    assert "1 recomputed, 1 changed, 0 not recomputed" in result.output
    [row] = list(csv.DictReader(report.read_text().splitlines()))
    assert (float(row["old_score"]), float(row["new_score"]), float(row["change"])) == (
        live["overall_score"],
        speech_score,
        change,
    )

    # Nothing live moved: topics, groups, the read model, the notifications and their deliveries.
    assert await end_offsets(worker.kafka_bootstrap, live_topics) == offsets_before
    assert await groups_on(worker.kafka_bootstrap, worker.topic_prefix) == groups_before
    assert read_model(database_url, interview_id) == model_before

    # `ib ops topics` lists the version beside the live topics, with its live topic's settings.
    listed = {
        entry.name: entry for entry in await topic_inventory(worker.kafka_bootstrap, worker.topic_prefix)
    }
    v2_topic = listed[versioned_topic(ANALYSIS_COMPLETED, 2).full_name(worker.topic_prefix)]
    assert v2_topic.cleanup_policy == "compact" and v2_topic.messages >= 1

    # Again into version 2: refused, and version 2 stays as it was.
    again = await invoke(worker, "--into-version", "2", "--interviews", interview_id)
    assert again.exit_code == 2
    assert "version 2 was written before" in again.output
    assert len(await all_of(worker, versioned_topic(ANALYSIS_COMPLETED, 2), interview_id)) == 1

    # Bad input, each said: no version 1, an interview with no analysis, a bad bound, a report
    # of another kind. Nothing is written for any of them.
    offsets_v2 = await end_offsets(
        worker.kafka_bootstrap, [versioned_topic(ANALYSIS_COMPLETED, 2).full_name(worker.topic_prefix)]
    )
    refusals = {
        ("--into-version", "1"): "a version is 2 or more",
        ("--into-version", "3", "--interviews", "nobody"): "no analysis of nobody",
        ("--into-version", "3", "--from", "yesterday"): "is neither an offset",
        ("--into-version", "3", "--report", str(tmp_path / "r.xlsx")): "neither a .csv nor a .json",
    }
    for args, said in refusals.items():
        refused = await invoke(worker, *args)
        assert refused.exit_code == 2, (args, refused.output)
        assert said in " ".join(refused.output.split()), (args, refused.output)
    assert (
        await end_offsets(
            worker.kafka_bootstrap, [versioned_topic(ANALYSIS_COMPLETED, 2).full_name(worker.topic_prefix)]
        )
        == offsets_v2
    )

    # Into version 3 with the answers read again, under a STAR scoring that counts no part: the
    # answers' own records go to answer.analysis.v3, and the structure score follows them.
    assert live["scores"]["structure"] > 0
    for part in list(PART_WEIGHTS):
        monkeypatch.setitem(PART_WEIGHTS, part, 0)
    reread = await invoke(worker, "--into-version", "3", "--interviews", interview_id, "--reanalyze-answers")
    assert reread.exit_code == 0, reread.output
    [v3] = await all_of(worker, versioned_topic(ANALYSIS_COMPLETED, 3), interview_id)
    assert v3.decoded(ANALYSIS_COMPLETED)["scores"]["structure"] == 0
    answers = [
        r.decoded(ANSWER_ANALYSIS)
        for r in await all_of(worker, versioned_topic(ANSWER_ANALYSIS, 3), interview_id)
    ]
    assert [a["kind"] for a in answers] == ["ANSWER", "ANSWER", "END"]
    assert [a["question"] for a in answers[:2]] == [LINES[0], LINES[3]]
    assert all(a["star"]["score"] == 0 for a in answers[:2])
    assert await end_offsets(worker.kafka_bootstrap, live_topics) == offsets_before

    # Deleted since (the gateway's tombstone on the live topic, after the range): not reprocessed.
    await produce_tombstone(worker, interview_id)
    deleted = await invoke(
        worker, "--into-version", "4", "--to", str(v2_source_offset), "--interviews", interview_id
    )
    assert deleted.exit_code == 2 and f"no analysis of {interview_id}" in " ".join(deleted.output.split())
