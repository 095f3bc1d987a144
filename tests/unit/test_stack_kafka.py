from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dev.stack import kafka_config as kafka
from dev.stack.config import REPO_ROOT, StackConfig


@pytest.fixture
def cfg(tmp_path: Path) -> StackConfig:
    return StackConfig(repo_root=REPO_ROOT, run_dir=tmp_path, kafka_port=19092, kafka_controller_port=19093)


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def test_server_properties_describe_a_combined_single_node(cfg: StackConfig) -> None:
    props = _properties(kafka.render_server_properties(cfg))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(cfg.run_dir / "kafka" / "data")
    assert "controller.quorum.voters" not in props  # `format --standalone` refuses static voters


def test_server_properties_suit_one_broker_and_fast_tests(cfg: StackConfig) -> None:
    props = _properties(kafka.render_server_properties(cfg))
    assert props["auto.create.topics.enable"] == "false"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
    ):
        assert props[key] == "1", key


def test_log4j_config_logs_to_stdout() -> None:
    text = kafka.render_log4j2()
    assert "appender.stdout.type = Console" in text
    assert "rootLogger.appenderRef.stdout.ref = STDOUT" in text


def test_pom_versions_name_the_jars_to_expect() -> None:
    pom = (REPO_ROOT / "dev" / "kafka" / "pom.xml").read_text()
    versions = kafka.pom_versions(pom)
    assert versions["kafka.version"].startswith("4.")
    jars = kafka.required_jars(pom)
    assert f"kafka_2.13-{versions['kafka.version']}.jar" in jars
    assert f"log4j-slf4j-impl-{versions['log4j.version']}.jar" in jars


def test_cluster_ids_look_like_kafkas() -> None:
    ids = {kafka.new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    for cluster_id in ids:
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
        ("nonsense", None),
    ],
)
def test_java_major_version(output: str, major: int | None) -> None:
    assert kafka.parse_java_major(output) == major


def test_java_command_uses_the_cached_jars_and_a_modest_heap(cfg: StackConfig) -> None:
    command = kafka.java_command(cfg, cfg.kafka_nodes[0], "kafka.Kafka", "server.properties")
    assert f"-Xmx{cfg.kafka_heap}" in command and cfg.kafka_heap == "1g"
    assert command[command.index("-cp") + 1] == f"{REPO_ROOT}/.cache/kafka-libs/*"
    assert command[-2:] == ["kafka.Kafka", "server.properties"]


@pytest.fixture
def cluster(tmp_path: Path) -> StackConfig:
    return StackConfig(
        repo_root=REPO_ROOT, run_dir=tmp_path, kafka_port=19092, kafka_controller_port=19093, brokers=3
    )


def test_three_nodes_each_have_their_own_ports_and_directory(cluster: StackConfig) -> None:
    nodes = cluster.kafka_nodes
    assert [(node.node_id, node.port, node.controller_port) for node in nodes] == [
        (1, 19092, 19093),
        (2, 19094, 19095),
        (3, 19096, 19097),
    ]
    assert [node.directory for node in nodes] == [cluster.run_dir / "kafka" / f"node-{n}" for n in (1, 2, 3)]
    assert [node.name for node in nodes] == ["kafka-1", "kafka-2", "kafka-3"]
    assert cluster.kafka_bootstrap == "127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096"


def test_three_nodes_form_one_quorum_and_keep_every_topic_on_all_three(cluster: StackConfig) -> None:
    second = cluster.kafka_nodes[1]
    props = _properties(kafka.render_server_properties(cluster, second))
    assert props["node.id"] == "2"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097"
    assert "controller.quorum.bootstrap.servers" not in props
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095"
    assert props["log.dirs"] == str(second.directory / "data")
    for key in ("default.replication.factor", "offsets.topic.replication.factor"):
        assert props[key] == "3", key
    for key in ("min.insync.replicas", "transaction.state.log.min.isr"):
        assert props[key] == "2", key
    assert "--standalone" not in kafka.format_arguments(cluster, second, "id")
    assert cluster.child_environment({})["IB_KAFKA_REPLICATION_FACTOR"] == "3"


def test_one_node_formats_a_standalone_quorum(cfg: StackConfig) -> None:
    assert "--standalone" in kafka.format_arguments(cfg, cfg.kafka_nodes[0], "id")
    assert cfg.child_environment({})["IB_KAFKA_REPLICATION_FACTOR"] == "1"
