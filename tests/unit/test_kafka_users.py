"""Each party's Kafka user may do what the catalog says it does, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dev.k8s import kafka_users, workloads
from dev.k8s.kafka_users import allows
from topics.catalog import ALL_TOPICS, DEAD_LETTER_TOPICS, TOPICS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def users() -> dict[str, dict[str, Any]]:
    documents = yaml.safe_load_all((REPO / "strimzi" / "users.yaml").read_text())
    return {doc["metadata"]["name"]: doc for doc in documents if doc}


def test_committed_users_match_the_catalog(tmp_path: Path) -> None:
    assert (REPO / "strimzi" / "users.yaml").read_text() == kafka_users.render_users(), (
        "strimzi/users.yaml has drifted from topics/catalog.py: run `python -m dev.k8s.kafka_users`"
    )
    stale = tmp_path / "users.yaml"
    stale.write_text("")
    assert kafka_users.main(["--check", "--out", str(stale)]) == 1
    assert kafka_users.main(["--out", str(stale)]) == 0
    assert kafka_users.main(["--check", "--out", str(stale)]) == 0


def test_every_party_authenticates_with_scram(users: dict[str, dict[str, Any]]) -> None:
    assert set(users) == {"gateway", *workloads.WORKER_GROUPS, "ops", "analyst", "kafka-ui", "keda"}
    for user in users.values():
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"


def test_the_gateway_cannot_read_transcripts_which_measure_speech_reads(
    users: dict[str, dict[str, Any]],
) -> None:
    assert not allows(users["gateway"], "topic", "transcript.segments", "Read")
    assert allows(users["worker-analysis"], "topic", "transcript.segments", "Read")
    assert not allows(users["worker-transcription"], "topic", "transcript.segments", "Read")
    assert allows(users["worker-transcription"], "topic", "transcript.segments", "Write")
    # Describing is not reading: the gateway checks every topic exists at start.
    assert allows(users["gateway"], "topic", "transcript.segments", "Describe")


def test_the_apps_see_every_catalog_topic_they_look_up_at_start(users: dict[str, dict[str, Any]]) -> None:
    """The gateway and each worker look every catalog topic up when they start (a hidden one
    would look missing and be created, refused): Describe, never Read or Write."""
    for name in ("gateway", *workloads.WORKER_GROUPS):
        for spec in ALL_TOPICS:
            assert allows(users[name], "topic", spec.name, "Describe"), (name, spec.name)
    assert not allows(users["worker-transcription"], "topic", "interview.state", "Read")
    assert not allows(users["worker-transcription"], "topic", "interview.state", "Write")
    assert not allows(users["worker-transcription"], "topic", "interview.state", "Create")


def test_each_party_produces_and_consumes_exactly_what_the_catalog_says(
    users: dict[str, dict[str, Any]],
) -> None:
    parties = {
        "gateway": {"gateway"},
        **{name: set(agents) for name, agents in workloads.WORKER_GROUPS.items()},
    }
    for user, names in parties.items():
        for spec in ALL_TOPICS:
            assert allows(users[user], "topic", spec.name, "Write") == bool(names & set(spec.producers)), (
                user,
                spec.name,
            )
            assert allows(users[user], "topic", spec.name, "Read") == bool(names & set(spec.consumers)), (
                user,
                spec.name,
            )


def test_workers_may_use_their_consumer_group_and_faust_topics(users: dict[str, dict[str, Any]]) -> None:
    for deployment in workloads.WORKER_GROUPS:
        user, app_id = users[deployment], workloads.faust_app_id(deployment)
        assert allows(user, "group", app_id, "Read")
        for operation in ("Create", "Read", "Write"):
            assert allows(user, "topic", f"{app_id}-track_state_table-changelog", operation)
            assert allows(user, "topic", f"{app_id}-__assignor-__leader", operation)
        others = [workloads.faust_app_id(other) for other in workloads.WORKER_GROUPS if other != deployment]
        for other in others:
            assert not allows(user, "group", other, "Read")
    assert workloads.faust_app_id("worker-transcription") == "interview-buddy-transcribe_recording"
    assert workloads.faust_app_id("worker-analysis", "t1-").startswith("t1-interview-buddy-")
    assert sorted(agent for agents in workloads.WORKER_GROUPS.values() for agent in agents) == sorted(
        {agent for spec in ALL_TOPICS for agent in (*spec.producers, *spec.consumers)} - {"gateway", "ib ops"}
    )


def test_ops_redrives_dead_letters_in_their_own_transactions(users: dict[str, dict[str, Any]]) -> None:
    ops = users["ops"]
    sources = {spec.dead_letter_name: spec.name for spec in TOPICS}
    for dlq in DEAD_LETTER_TOPICS:
        assert allows(ops, "topic", dlq.name, "Read")
        assert allows(ops, "topic", sources[dlq.name], "Write")
        assert allows(ops, "transactionalId", f"ib-redrive-{dlq.name}", "Write")
        assert not allows(ops, "topic", sources[dlq.name], "Read")
    assert allows(ops, "topic", "dead-letters.redriven", "Write")
    assert allows(ops, "group", "interview-buddy", "Describe") and not allows(
        ops, "group", "interview-buddy", "Read"
    )
    assert allows(ops, "cluster", "kafka-cluster", "Describe")


def test_read_only_parties_write_nothing(users: dict[str, dict[str, Any]]) -> None:
    for name in ("analyst", "kafka-ui", "keda"):
        for spec in ALL_TOPICS:
            assert not allows(users[name], "topic", spec.name, "Write"), (name, spec.name)
        assert not allows(users[name], "group", workloads.faust_app_id("worker-analysis"), "Read")
    assert all(allows(users["analyst"], "topic", spec.name, "Read") for spec in ALL_TOPICS)
    assert allows(users["kafka-ui"], "topic", "interview-buddy-transcribe_recording-x-changelog", "Read")
    assert allows(users["keda"], "group", workloads.faust_app_id("worker-transcription"), "Describe")


def test_the_analyst_reprocesses_into_versioned_topics_only(users: dict[str, dict[str, Any]]) -> None:
    analyst = users["analyst"]
    for operation in ("Create", "Read", "Write"):
        assert allows(analyst, "topic", "analysis.completed.v2", operation)
        assert allows(analyst, "topic", "segment.metrics.v12", operation)
    assert allows(analyst, "transactionalId", "ib-reprocess-analysis.completed.v2", "Write")
    assert not allows(analyst, "topic", "analysis.completed", "Write")
    assert not allows(analyst, "topic", "interview.state.v2", "Write")
