"""A Kafka of a test's own (one node, or a three-node cluster) on spare loopback ports and in the
test's own run directory, started by the dev stack's code, for tests that stop, kill or restart
a broker: the shared broker on :9092 serves everyone else's tests meanwhile and is never touched.
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, NodeNotReadyError, RequestTimedOutError

from dev.stack.config import REPO_ROOT, StackConfig
from dev.stack.kafka import ensure_kafka, node_pid
from dev.stack.ports import port_is_free
from dev.stack.processes import stop_process

#: Tries at finding 2 × brokers free ports in a row (a broker's and a controller's per node).
PORT_TRIES = 50
DESCRIBE_TRIES = 20


def spare_base_port(brokers: int) -> int:
    """An even port p such that p .. p + 2 × brokers - 1 are all free on loopback, below the
    ephemeral range (32768 up on Linux): a port there free now may be any client's next one."""
    for _ in range(PORT_TRIES):
        base = random.randrange(20_000, 32_000, 2)
        if all(port_is_free("127.0.0.1", base + offset) for offset in range(2 * brokers)):
            return base
    raise RuntimeError(f"no {2 * brokers} free ports in a row on 127.0.0.1 after {PORT_TRIES} tries")


@contextmanager
def own_kafka(run_dir: Path, brokers: int) -> Iterator[StackConfig]:
    """Kafka with ``brokers`` nodes of its own, killed (every node) afterwards."""
    base = spare_base_port(brokers)
    cfg = StackConfig(
        repo_root=REPO_ROOT, run_dir=run_dir, kafka_port=base, kafka_controller_port=base + 1, brokers=brokers
    )
    try:
        ensure_kafka(cfg, report=lambda line: None)
        yield cfg
    finally:
        # Its data goes with the test: no clean shutdown to wait for.
        for node in cfg.kafka_nodes:
            pid = node_pid(node)
            if pid is not None:
                stop_process(pid, timeout_s=10, first_signal=signal.SIGKILL)


def describe_topics(bootstrap: str, names: list[str]) -> list[dict[str, Any]]:
    """The admin client's description of ``names``: each partition's leader, replicas and ISR.

    The admin client asks a broker of its metadata at random, which may be one just killed
    (until the controller fences it): then it asks again, a bounded number of times.
    """

    async def describe() -> list[dict[str, Any]]:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="ib-test-admin")
        await admin.start()
        try:
            for attempt in range(DESCRIBE_TRIES):
                try:
                    return list(await admin.describe_topics(names))
                except (KafkaConnectionError, NodeNotReadyError, RequestTimedOutError):
                    if attempt == DESCRIBE_TRIES - 1:
                        raise
                    await asyncio.sleep(0.5)
            raise AssertionError("unreachable")
        finally:
            await admin.close()

    return asyncio.run(describe())
