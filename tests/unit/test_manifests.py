"""The cluster manifests: topics as the catalog says, KRaft node pools in racks, TLS and SCRAM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dev.stack import manifests
from topics.catalog import ALL_TOPICS

REPO = Path(__file__).resolve().parents[2]


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_committed_topics_match_the_catalog() -> None:
    committed = (REPO / "strimzi" / "topics.yaml").read_text()
    assert committed == manifests.render_topics(), (
        "strimzi/topics.yaml has drifted from topics/catalog.py: run `python -m dev.stack.manifests`"
    )


def test_every_catalog_topic_has_one_kafka_topic_with_its_settings() -> None:
    resources = {doc["spec"]["topicName"]: doc for doc in _documents(REPO / "strimzi" / "topics.yaml")}
    assert set(resources) == {spec.name for spec in ALL_TOPICS}
    for spec in ALL_TOPICS:
        resource = resources[spec.name]
        assert resource["kind"] == "KafkaTopic"
        assert resource["metadata"]["labels"]["strimzi.io/cluster"] == manifests.CLUSTER_NAME
        assert resource["spec"]["partitions"] == spec.partitions
        assert resource["spec"]["config"]["cleanup.policy"] == spec.cleanup_policy
        assert resource["spec"]["replicas"] > int(resource["spec"]["config"]["min.insync.replicas"])


def test_check_mode_reports_drift(tmp_path: Path) -> None:
    stale = tmp_path / "topics.yaml"
    stale.write_text(manifests.render_topics(ALL_TOPICS[:-1]))
    assert manifests.main(["--check", "--out", str(stale)]) == 1
    assert manifests.main(["--out", str(stale)]) == 0
    assert manifests.main(["--check", "--out", str(stale)]) == 0


def test_cluster_runs_kraft_with_controller_and_broker_pools() -> None:
    docs = _documents(REPO / "strimzi" / "kafka.yaml")
    pools = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "KafkaNodePool"}
    (kafka,) = [doc for doc in docs if doc["kind"] == "Kafka"]
    assert kafka["metadata"]["name"] == manifests.CLUSTER_NAME
    assert kafka["metadata"]["annotations"] == {
        "strimzi.io/node-pools": "enabled",
        "strimzi.io/kraft": "enabled",
    }
    assert kafka["spec"]["kafka"]["version"].startswith("4.")
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert sorted(role for pool in pools.values() for role in pool["spec"]["roles"]) == [
        "broker",
        "controller",
    ]
    for pool in pools.values():
        assert pool["metadata"]["labels"]["strimzi.io/cluster"] == manifests.CLUSTER_NAME
        assert pool["spec"]["replicas"] == 3


def test_brokers_spread_over_zones_and_authenticate_on_tls_with_scram() -> None:
    (kafka,) = [doc for doc in _documents(REPO / "strimzi" / "kafka.yaml") if doc["kind"] == "Kafka"]
    assert kafka["spec"]["kafka"]["rack"]["topologyKey"] == "topology.kubernetes.io/zone"
    listeners = {listener["name"]: listener for listener in kafka["spec"]["kafka"]["listeners"]}
    assert listeners["tls"]["tls"] is True
    assert listeners["tls"]["authentication"]["type"] == "scram-sha-512"
    assert kafka["spec"]["kafka"]["authorization"]["type"] == "simple"
