"""A one-node Kafka of a test's own whose one client listener is the cluster's 9093 in small:
TLS (a certificate of the test's own CA, tests/e2e/broker_tls.py), SASL/SCRAM-SHA-512 for every
client, and every request authorized by KRaft's StandardAuthorizer, allowing only what an ACL
allows (``allow.everyone.if.no.acl.found=false``).

Its one super user is the test's ``admin``, who signs in with SCRAM on the client listener and
with PLAIN on the controller listener (where the broker registers with its own controller: KRaft
takes no SCRAM there). Every other user is made when its storage is formatted (``--add-scram``)
and may do nothing until the test gives it ACLs.
"""

from __future__ import annotations

import asyncio
import signal
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from dev.stack.config import REPO_ROOT, StackConfig
from dev.stack.kafka import node_pid, resolve_jars, spawn_node, write_config
from dev.stack.kafka_config import config_file, java_command, log_file, new_cluster_id
from dev.stack.processes import is_alive, run_checked, stop_process
from tests.e2e.broker_tls import BrokerTls, make_broker_tls
from tests.e2e.own_kafka import spare_base_port

ADMIN = "admin"
MECHANISM = "SCRAM-SHA-512"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
START_TRIES = 120


@dataclass(frozen=True)
class AuthorizedKafka:
    bootstrap: str
    admin_password: str
    tls: BrokerTls
    #: The broker's log (its authorizer's refusals among it).
    log: Path

    def client_options(self, user: str, password: str) -> dict[str, Any]:
        """An aiokafka client's keyword arguments to sign in as ``user``."""
        return {
            "security_protocol": "SASL_SSL",
            "ssl_context": ssl.create_default_context(cafile=str(self.tls.ca_file)),
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": user,
            "sasl_plain_password": password,
        }

    def admin_options(self) -> dict[str, Any]:
        return self.client_options(ADMIN, self.admin_password)

    def app_environment(self, user: str, password: str) -> dict[str, str]:
        """The ``IB_KAFKA_*`` settings of an app signing in as ``user``."""
        return {
            "IB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "IB_KAFKA_SASL_MECHANISM": MECHANISM,
            "IB_KAFKA_SASL_USERNAME": user,
            "IB_KAFKA_SASL_PASSWORD": password,
            "IB_KAFKA_SSL_CAFILE": str(self.tls.ca_file),
        }


def authorizing_properties(
    client_port: int, controller_port: int, admin_password: str, tls: BrokerTls
) -> str:
    """``server.properties`` lines that replace the dev stack's listeners (later keys win)."""
    scram_self = f'{SCRAM_LOGIN} required username="{ADMIN}" password="{admin_password}";'
    plain_self = (
        f'{PLAIN_LOGIN} required username="{ADMIN}" password="{admin_password}" '
        f'user_{ADMIN}="{admin_password}";'
    )
    lines = {
        "listeners": f"CLIENTS://127.0.0.1:{client_port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"CLIENTS://127.0.0.1:{client_port}",
        "listener.security.protocol.map": "CLIENTS:SASL_SSL,CONTROLLER:SASL_PLAINTEXT",
        "inter.broker.listener.name": "CLIENTS",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(tls.keystore_file),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(tls.ca_file),
        "sasl.enabled.mechanisms": MECHANISM,
        "sasl.mechanism.inter.broker.protocol": MECHANISM,
        "listener.name.clients.scram-sha-512.sasl.jaas.config": scram_self,
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": plain_self,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN}",
    }
    return "".join(f"{key}={value}\n" for key, value in lines.items())


async def _wait_until_answering(kafka: AuthorizedKafka, pid: int) -> None:
    for _ in range(START_TRIES):
        if not is_alive(pid):
            raise RuntimeError("the authorizing broker exited")
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, **kafka.admin_options())
        try:
            await admin.start()
            await admin.describe_cluster()
            return
        except KafkaError:
            await asyncio.sleep(0.5)
        finally:
            await admin.close()
    raise TimeoutError(f"the authorizing broker did not answer after {START_TRIES} tries")


@contextmanager
def authorized_kafka(
    run_dir: Path, users: Mapping[str, str], admin_password: str
) -> Iterator[AuthorizedKafka]:
    """The broker, with ``users`` (name → password) and the admin; killed afterwards."""
    base = spare_base_port(1)
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=run_dir, kafka_port=base, kafka_controller_port=base + 1)
    node = cfg.kafka_nodes[0]
    resolve_jars(cfg, report=lambda line: None)
    tls = make_broker_tls(run_dir / "tls")
    write_config(cfg, node)
    with config_file(node).open("a") as properties:
        properties.write(authorizing_properties(base, base + 1, admin_password, tls))
    credentials = []
    for name, password in {ADMIN: admin_password, **users}.items():
        credentials += ["--add-scram", f"{MECHANISM}=[name={name},password={password}]"]
    format_command = ["format", "--standalone", "-t", new_cluster_id(), "-c", str(config_file(node))]
    run_checked(
        java_command(cfg, node, "kafka.tools.StorageTool", *format_command, *credentials),
        what="Formatting the authorizing broker's storage",
        log_file=log_file(node),
        cwd=node.directory,
    )
    pid = spawn_node(cfg, node)
    kafka = AuthorizedKafka(f"127.0.0.1:{base}", admin_password, tls, log_file(node))
    try:
        asyncio.run(_wait_until_answering(kafka, pid))
        yield kafka
    finally:
        if node_pid(node) is not None:
            stop_process(pid, timeout_s=10, first_signal=signal.SIGKILL)
