"""The production topology in small: three brokers (every topic on all three, a write
acknowledged by two), a worker and a gateway; while interviews flow, the broker leading most
partitions of the busiest topics is killed with SIGKILL. The flow pauses for the leader
election only, nothing is lost or doubled, and the killed broker, started again, rejoins and
catches up (its replicas back in every partition's ISR).

The cluster is the test's own (spare loopback ports, its own data dir), never the shared broker.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from dev.polling import wait_until
from dev.stack.config import KafkaNode, StackConfig
from dev.stack.kafka import node_pid, start_node, wait_for_node
from tests.e2e.conftest import upload_wav
from tests.e2e.fault_flow import (
    assert_nothing_lost_or_doubled,
    fault_stack,
    short_interviews,
    stored_seqs,
    wait_all_finished,
)
from tests.e2e.own_kafka import describe_topics, own_kafka
from tests.fakes.azure_speech import FakeSpeechService
from topics.catalog import ALL_TOPICS, SEGMENT_METRICS, TRANSCRIPT_SEGMENTS

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-leader-killed"
INTERVIEWS = 5
#: Seconds the local speech service takes for each stretch of speech: the flow lasts a while.
RECOGNITION_SECONDS = 1.0
#: Only "the flow stopped for good" is caught: the pause itself is measured and reported.
STOPPED_FOR_GOOD_SECONDS = 120.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    with own_kafka(tmp_path_factory.mktemp("three-brokers"), brokers=3) as cfg:
        yield cfg


def leaders(bootstrap: str, names: list[str]) -> Counter[int]:
    """How many partitions of ``names`` each broker leads."""
    return Counter(
        partition["leader"]
        for topic in describe_topics(bootstrap, names)
        for partition in topic["partitions"]
    )


def min_insync_replicas(bootstrap: str, name: str) -> str:
    async def describe() -> Any:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ib-test-admin")
        await admin.start()
        try:
            return await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        finally:
            await admin.close()

    responses = asyncio.run(describe())
    entries = {
        entry[0]: entry[1]
        for response in responses
        for resource in response.resources
        for entry in resource[4]
    }
    return str(entries["min.insync.replicas"])


def replicas_out_of_sync(bootstrap: str, names: list[str], expected: int) -> list[tuple[str, int, list[int]]]:
    return [
        (topic["topic"], partition["partition"], partition["isr"])
        for topic in describe_topics(bootstrap, names)
        for partition in topic["partitions"]
        if len(partition["isr"]) != expected
    ]


def test_the_leaders_broker_killed_mid_run_loses_and_doubles_nothing_and_rejoins(
    cluster: StackConfig,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    record_property: Any,
) -> None:
    bootstrap = cluster.kafka_bootstrap
    recordings = short_interviews(tmp_path_factory.mktemp("leader-killed-recordings"), INTERVIEWS)
    with FakeSpeechService(dictation=True, delay=RECOGNITION_SECONDS) as speech:
        stack = fault_stack(bootstrap, database_url, tmp_path_factory.mktemp("leader-killed"), speech, 3)
        prefix = stack.worker.topic_prefix
        names = [spec.full_name(prefix) for spec in ALL_TOPICS]
        busiest = [TRANSCRIPT_SEGMENTS.full_name(prefix), SEGMENT_METRICS.full_name(prefix)]
        try:
            # The production topology: every topic on three brokers, a write counted once two have it.
            assert {
                len(p["replicas"]) for t in describe_topics(bootstrap, names) for p in t["partitions"]
            } == {3}
            assert min_insync_replicas(bootstrap, busiest[0]) == "2"

            with stack.client(USER) as client:
                interview_ids = [
                    upload_wav(client, recording, f"Leader {number}")
                    for number, recording in enumerate(recordings)
                ]
                # Mid-run: the first interviews' metrics are in, most recordings still to come.
                wait_until(
                    lambda: any(stored_seqs(database_url, "segment_metrics", interview_ids).values()),
                    180,
                    "the first segment metrics",
                )
                victim_id = leaders(bootstrap, busiest).most_common(1)[0][0]
                victim = next(node for node in cluster.kafka_nodes if node.node_id == victim_id)
                killed_at = _kill(victim)
                wait_until(
                    lambda: (
                        victim_id not in leaders(bootstrap, busiest) and -1 not in leaders(bootstrap, busiest)
                    ),
                    120,
                    f"new leaders for broker {victim_id}'s partitions",
                )
                election_seconds = time.time() - killed_at
                wait_all_finished(stack, client, interview_ids, 600)
        finally:
            stack.gateway.stop()
            stack.worker.stop()

    metrics = assert_nothing_lost_or_doubled(bootstrap, database_url, prefix, interview_ids)
    created = sorted(record.timestamp / 1000 for record in metrics)
    after = [stamp for stamp in created if stamp >= killed_at]
    assert after, "segment metrics made after the kill"
    pause = after[0] - killed_at
    longest_gap = max(b - a for a, b in itertools.pairwise(created) if b >= killed_at)
    record_property("leader_election_seconds", round(election_seconds, 1))
    record_property("pause_after_kill_seconds", round(pause, 1))
    record_property("longest_gap_seconds", round(longest_gap, 1))
    print(  # the figures the issue asks for, in the test's output
        f"\nbroker {victim_id} killed: leaders re-elected within {election_seconds:.1f} s; first segment "
        f"metrics {pause:.1f} s after the kill; longest gap between metrics {longest_gap:.1f} s"
    )
    assert pause < STOPPED_FOR_GOOD_SECONDS

    # The killed broker, started again, rejoins and catches up: back in every partition's ISR.
    wait_for_node(cluster, victim, start_node(cluster, victim, report=lambda line: None))
    wait_until(
        lambda: not replicas_out_of_sync(bootstrap, names, 3),
        120,
        f"broker {victim_id} back in every partition's ISR",
    )


def _kill(node: KafkaNode) -> float:
    """SIGKILL the node's JVM (no controlled shutdown: a crash); return when it was killed."""
    pid = node_pid(node)
    assert pid is not None, f"{node.name} runs"
    process = psutil.Process(pid)
    killed_at = time.time()
    os.kill(pid, signal.SIGKILL)
    process.wait(30)
    return killed_at
