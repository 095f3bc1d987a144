"""The Kafka users of ``strimzi/users.yaml`` are enough for the real flow, and no more.

On a broker of the test's own whose one client listener is like the cluster's 9093 (TLS with a
CA of the test's own, SCRAM-SHA-512, only what an ACL allows: tests/e2e/authorized_kafka.py),
every ``KafkaUser``'s ACLs are applied as Strimzi's user operator would, and the catalog's
topics made as its topic operator would (strimzi/topics.yaml). Then the two worker groups
(``IB_AGENTS`` as deploy/base/workers.yaml runs them) and the gateway start, each signed in as
its own user with the settings deploy/ gives it (``SASL_SSL``, the CA file), under production
topic names (no prefix); one interview goes through end to end and is deleted. The broker's
log shows no request of theirs refused; and the gateway, which writes ``interview.uploaded``
but never reads it, is refused when it tries.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import TopicAuthorizationFailedError

from dev.k8s import workloads
from dev.k8s.kafka_acls import create_acls, user_bindings
from dev.polling import wait_until
from dev.service_processes import ServiceProcess, gateway_process, worker_process
from tests.e2e.authorized_kafka import AuthorizedKafka, authorized_kafka
from tests.e2e.conftest import REPO_ROOT, Stack, upload_wav
from tests.e2e.fault_flow import short_interviews
from tests.fakes.azure_speech import FakeSpeechService
from topics.admin import ensure_topics
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-kafka-acls"
APP_USERS = (workloads.GATEWAY, *workloads.WORKER_GROUPS)
#: What the broker's authorizer logs (kafka.authorizer.logger, INFO) for each request it refuses.
DENIED = re.compile(r"Principal = User:(?P<user>\S+) is Denied operation = (?P<operation>\S+) .*")


@dataclass(frozen=True)
class Broker:
    kafka: AuthorizedKafka
    passwords: dict[str, str]


async def apply_strimzi(kafka: AuthorizedKafka) -> int:
    """What Strimzi's operators do: every KafkaUser's ACLs, every catalog topic."""
    documents = yaml.safe_load_all((REPO_ROOT / "strimzi" / "users.yaml").read_text())
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, **kafka.admin_options())
    await admin.start()
    try:
        created = 0
        for user in documents:
            if user:
                created += await create_acls(admin, user_bindings(user))
    finally:
        await admin.close()
    await ensure_topics(kafka.bootstrap, client_options=kafka.admin_options())
    return created


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    run_dir = tmp_path_factory.mktemp("authorized-kafka")
    passwords = {user: secrets.token_urlsafe(16) for user in APP_USERS}
    with authorized_kafka(run_dir, passwords, secrets.token_urlsafe(16)) as kafka:
        assert asyncio.run(apply_strimzi(kafka)) > 0
        yield Broker(kafka, passwords)


def denials(broker: Broker) -> list[str]:
    return [line for line in broker.kafka.log.read_text(errors="replace").splitlines() if DENIED.search(line)]


def problems(processes: list[ServiceProcess]) -> str:
    return "\n".join(f"--- {process.log_path.name}\n{process.problems()}" for process in processes)


def signed_in(process: ServiceProcess, broker: Broker, user: str, env: dict[str, str]) -> ServiceProcess:
    process.extra_env.update({**env, **broker.kafka.app_environment(user, broker.passwords[user])})
    return process


def test_the_apps_run_the_flow_as_their_kafka_users_and_no_further(
    broker: Broker, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    run_dir = tmp_path_factory.mktemp("acl-stack")
    (recording,) = short_interviews(tmp_path_factory.mktemp("acl-recordings"), 1)
    bootstrap = broker.kafka.bootstrap
    with FakeSpeechService(dictation=True) as speech:
        speech_env = {
            "IB_ASR_ENGINE": "azure",
            "IB_AZURE_SPEECH_ENDPOINT": speech.host,
            "IB_AZURE_SPEECH_KEY": "local-service-key",
        }
        workers = [
            signed_in(
                worker_process("", run_dir, bootstrap, database_url),
                broker,
                deployment,
                {**speech_env, "IB_AGENTS": workloads.agents_setting(deployment)},
            )
            for deployment in workloads.WORKER_GROUPS
        ]
        gateway = signed_in(
            gateway_process("", run_dir, bootstrap, database_url), broker, workloads.GATEWAY, {}
        )
        started: list[ServiceProcess] = []
        try:
            for process in (*workers, gateway):
                started.append(process)
                process.start()
            stack = Stack(workers[0], gateway)
            with stack.client(USER) as client:
                interview_id = upload_wav(client, recording, "Kafka ACLs")

                def status() -> str:
                    return str(client.get(f"/interviews/{interview_id}/status").json()["status"])

                try:
                    wait_until(lambda: status() in ("COMPLETED", "FAILED"), 120, "the interview finishing")
                except AssertionError as failure:
                    raise AssertionError(f"{failure}\n{problems(started)}") from None
                assert status() == "COMPLETED", problems(started)
                # Deleting writes the gateway's tombstones to the interview's topics.
                assert client.delete(f"/interviews/{interview_id}").status_code == 204
        finally:
            for process in reversed(started):
                process.stop()
    assert denials(broker) == [], "no request of the apps refused"

    async def gateway_reads_what_it_writes() -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            **broker.kafka.client_options(workloads.GATEWAY, broker.passwords[workloads.GATEWAY]),
        )
        await consumer.start()
        try:
            partition = TopicPartition(INTERVIEW_UPLOADED.name, 0)
            consumer.assign([partition])
            await consumer.seek_to_beginning(partition)
            await asyncio.wait_for(consumer.getmany(timeout_ms=5000), 30)
        finally:
            await consumer.stop()

    with pytest.raises(TopicAuthorizationFailedError):
        asyncio.run(gateway_reads_what_it_writes())
    refused = [DENIED.search(line) for line in denials(broker)]
    assert {(m["user"], m["operation"]) for m in refused if m} == {(workloads.GATEWAY, "READ")}
