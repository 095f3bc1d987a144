"""What a Kafka node of the stack is made of, as pure functions: its files, its
``server.properties`` (one node, or one of a three-node KRaft cluster), its logging, its
command line, and the jars its pom names."""

from __future__ import annotations

import base64
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from dev.stack.config import MIN_IN_SYNC_REPLICAS, KafkaNode, StackConfig

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


# Paths -------------------------------------------------------------------------------------------


def config_file(node: KafkaNode) -> Path:
    return node.directory / "server.properties"


def log4j_file(node: KafkaNode) -> Path:
    return node.directory / "log4j2.properties"


def data_dir(node: KafkaNode) -> Path:
    return node.directory / "data"


def log_file(node: KafkaNode) -> Path:
    return node.directory / "logs" / "kafka.log"


def pid_file(node: KafkaNode) -> Path:
    return node.directory / "kafka.pid"


def cluster_id_file(cfg: StackConfig) -> Path:
    """The id every node of a cluster is formatted with (they refuse to talk to another's)."""
    return cfg.kafka_dir / "cluster.id"


# Pure parts --------------------------------------------------------------------------------------


def pom_versions(pom_text: str) -> dict[str, str]:
    """The ``<properties>`` of the broker's pom (``kafka.version``, ``log4j.version``)."""
    root = ET.fromstring(pom_text)
    properties = root.find("m:properties", _POM_NS)
    if properties is None:
        return {}
    return {child.tag.split("}")[-1]: (child.text or "").strip() for child in properties}


def required_jars(pom_text: str) -> tuple[str, ...]:
    """Jars whose presence shows that the pom's versions were already resolved."""
    versions = pom_versions(pom_text)
    kafka_version = versions["kafka.version"]
    log4j_version = versions["log4j.version"]
    return (
        f"kafka_2.13-{kafka_version}.jar",
        f"kafka-server-{kafka_version}.jar",
        f"log4j-slf4j-impl-{log4j_version}.jar",
        f"log4j-core-{log4j_version}.jar",
    )


def _quorum(cfg: StackConfig) -> dict[str, str]:
    if cfg.brokers == 1:
        # `format --standalone` makes a dynamic quorum of this one controller.
        return {"controller.quorum.bootstrap.servers": f"{cfg.host}:{cfg.kafka_controller_port}"}
    # Several nodes: a static quorum of every node's controller, formatted without
    # --standalone or --initial-controllers (no directory ids to agree on beforehand).
    voters = ",".join(f"{node.node_id}@{cfg.host}:{node.controller_port}" for node in cfg.kafka_nodes)
    return {"controller.quorum.voters": voters}


def _replication(cfg: StackConfig) -> dict[str, str]:
    """Every topic on ``replication_factor`` brokers; with three, a write is acknowledged by
    two before it counts (acks=all), as in production (strimzi/)."""
    replicas = str(cfg.replication_factor)
    min_isr = str(min(MIN_IN_SYNC_REPLICAS, cfg.replication_factor))
    return {
        "default.replication.factor": replicas,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": replicas,
        "transaction.state.log.replication.factor": replicas,
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": replicas,
        "share.coordinator.state.topic.min.isr": min_isr,
    }


def render_server_properties(cfg: StackConfig, node: KafkaNode | None = None) -> str:
    """``server.properties`` of a combined broker+controller node (the first one by default)."""
    node = node or cfg.kafka_nodes[0]
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        **_quorum(cfg),
        "listeners": f"PLAINTEXT://{cfg.host}:{node.port},CONTROLLER://{cfg.host}:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{cfg.host}:{node.port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data_dir(node)),
        # Topics come from the catalog (topics.admin.ensure_topics); a typo must not create one.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        **_replication(cfg),
        # Fewer internal partitions: the first consumer group of a test waits for them all.
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.num.partitions": "10",
        # A group's first member starts at once instead of waiting 3 s for others.
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "4",
        "log.retention.hours": "168",
    }
    lines = ["# Written by `ib stack up`; edits are overwritten on the next start."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def render_log4j2() -> str:
    """Logging to stdout, which the stack appends to ``kafka/logs/kafka.log``."""
    return (
        "# Written by `ib stack up`.\n"
        "status = warn\n"
        "name = ib-kafka\n"
        "appender.stdout.type = Console\n"
        "appender.stdout.name = STDOUT\n"
        "appender.stdout.layout.type = PatternLayout\n"
        "appender.stdout.layout.pattern = [%d] %p %m (%c)%n\n"
        "rootLogger.level = INFO\n"
        "rootLogger.appenderRef.stdout.ref = STDOUT\n"
        "logger.state.name = state.change.logger\n"
        "logger.state.level = WARN\n"
        "logger.request.name = kafka.request.logger\n"
        "logger.request.level = WARN\n"
    )


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def format_arguments(cfg: StackConfig, node: KafkaNode, cluster_id: str) -> list[str]:
    """``kafka.tools.StorageTool`` arguments that format ``node`` into cluster ``cluster_id``."""
    quorum = ["--standalone"] if cfg.brokers == 1 else []
    return ["format", *quorum, "-t", cluster_id, "-c", str(config_file(node))]


def java_command(cfg: StackConfig, node: KafkaNode, main_class: str, *args: str) -> list[str]:
    return [
        "java",
        f"-Xmx{cfg.kafka_heap}",
        "-Xms128m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile=file:{log4j_file(node)}",
        f"-Dkafka.logs.dir={log_file(node).parent}",
        "-cp",
        f"{cfg.kafka_libs_dir}/*",
        main_class,
        *args,
    ]


def parse_java_major(version_output: str) -> int | None:
    """The major version in ``java -version`` output (``"17.0.15"`` -> 17, ``"1.8.0_392"`` -> 8)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major
