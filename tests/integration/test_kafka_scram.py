"""The apps' Kafka clients, configured by their settings, authenticate with SCRAM-SHA-512 to a
broker that wants it (as the cluster's 9093 listener does, there over TLS): the gateway's topic
admin and producer write, a consumer with the same settings reads, and a wrong password is
refused. The broker is the test's own (spare loopback ports), with a SASL listener beside its
plain one and the user made when its storage is formatted."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from dev.service_processes import new_prefix, worker_process
from dev.stack.config import REPO_ROOT, StackConfig
from dev.stack.kafka import node_pid, resolve_jars, spawn_node, wait_for_node, write_config
from dev.stack.kafka_config import config_file, java_command, log_file, new_cluster_id
from dev.stack.processes import run_checked, stop_process
from gateway.events import make_producer
from gateway.settings import Settings
from tests.e2e.own_kafka import spare_base_port
from tests.integration.consumer_groups import wait_for_group
from topics.admin import ensure_topics
from topics.catalog import TRANSCRIPT_SEGMENTS

pytestmark = pytest.mark.stack

USER, PASSWORD = "gateway", "scram-secret"


@dataclass(frozen=True)
class ScramBroker:
    bootstrap: str
    #: The same broker's listener without authentication, to watch it from outside.
    plain_bootstrap: str


@pytest.fixture(scope="module")
def scram_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScramBroker]:
    base = spare_base_port(2)  # plain, controller, and base + 2 for SASL
    run_dir = tmp_path_factory.mktemp("scram")
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=run_dir, kafka_port=base, kafka_controller_port=base + 1)
    node = cfg.kafka_nodes[0]
    sasl_port = base + 2
    resolve_jars(cfg, report=lambda line: None)
    write_config(cfg, node)
    with config_file(node).open("a") as properties:  # later keys win in a .properties file
        properties.write(
            f"listeners=PLAINTEXT://127.0.0.1:{base},CONTROLLER://127.0.0.1:{base + 1},"
            f"SASL_PLAINTEXT://127.0.0.1:{sasl_port}\n"
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{base},SASL_PLAINTEXT://127.0.0.1:{sasl_port}\n"
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT\n"
            "sasl.enabled.mechanisms=SCRAM-SHA-512\n"
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required;\n"
        )
    run_checked(
        java_command(
            cfg,
            node,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            new_cluster_id(),
            "-c",
            str(config_file(node)),
            "--add-scram",
            f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]",
        ),
        what="Formatting the SCRAM broker's storage",
        log_file=log_file(node),
        cwd=node.directory,
    )
    pid = spawn_node(cfg, node)
    try:
        wait_for_node(cfg, node, pid)
        yield ScramBroker(f"127.0.0.1:{sasl_port}", f"127.0.0.1:{base}")
    finally:
        if node_pid(node) is not None:
            stop_process(pid, timeout_s=10)


def scram_environment(password: str) -> dict[str, str]:
    return {
        "IB_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "IB_KAFKA_SASL_USERNAME": USER,
        "IB_KAFKA_SASL_PASSWORD": password,
    }


def scram_settings(monkeypatch: pytest.MonkeyPatch, password: str) -> Settings:
    for name, value in scram_environment(password).items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_the_gateways_clients_authenticate_with_scram(
    scram_broker: ScramBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = scram_settings(monkeypatch, PASSWORD).kafka_client_options()
    topic = TRANSCRIPT_SEGMENTS.full_name("scram-")

    async def round_trip() -> bytes | None:
        await ensure_topics(scram_broker.bootstrap, "scram-", (TRANSCRIPT_SEGMENTS,), client_options=options)
        producer = make_producer(scram_broker.bootstrap, options)
        await producer.start()
        try:
            await producer.send_and_wait(topic, key=b"interview-1", value=b"segment")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=scram_broker.bootstrap, auto_offset_reset="earliest", **options
        )
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), 30)
        finally:
            await consumer.stop()
        return record.value

    assert asyncio.run(round_trip()) == b"segment"


def test_a_wrong_scram_password_is_refused(
    scram_broker: ScramBroker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    options = scram_settings(monkeypatch, "not-the-password").kafka_client_options()

    async def connect() -> None:
        producer = make_producer(scram_broker.bootstrap, options)
        try:
            await producer.start()
        finally:
            await producer.stop()

    with pytest.raises(KafkaError):
        asyncio.run(connect())
    # aiokafka says why only in its log: the broker refused the credentials.
    assert any("SaslAuthenticationFailed" in record.getMessage() for record in caplog.records)


def test_the_worker_signs_in_with_scram(
    scram_broker: ScramBroker, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Faust's clients take the credentials too: the worker creates its topics and its consumer
    group forms on the SCRAM listener."""
    prefix = new_prefix()
    worker = worker_process(
        prefix, tmp_path_factory.mktemp("scram-worker"), scram_broker.bootstrap, database_url
    )
    worker.extra_env.update({**scram_environment(PASSWORD), "IB_AGENTS": "measure_speech"})
    worker.start()
    try:
        group = f"{prefix}interview-buddy-measure_speech"
        asyncio.run(wait_for_group(scram_broker.plain_bootstrap, group, members=1))
    finally:
        worker.stop()
