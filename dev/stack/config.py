"""Where the stack's parts listen and keep their files, read once from the ``IB_*`` environment.

The dev stack is a tool, not an application process, so it has its own small settings object
rather than the applications' ``Settings``: it decides the addresses that it then hands to the
applications it starts (``IB_KAFKA_BOOTSTRAP``, ``IB_DATABASE_URL``, ...).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

DATABASE_NAME = "interview_buddy"
DATABASE_USER = "interview_buddy"
DATABASE_PASSWORD = "interview_buddy"  # a local development database on 127.0.0.1 only


def local_port(address: str | None, default: int) -> int:
    """The port of ``host:port`` or ``scheme://...host:port/...`` when the host is this machine.

    The stack only starts services here, so an address that points elsewhere keeps the default.
    """
    if not address:
        return default
    first = address.split(",")[0].strip()
    parsed = urlsplit(first if "//" in first else f"//{first}")
    try:
        port = parsed.port
    except ValueError:
        return default
    if parsed.hostname in LOCAL_HOSTS and port:
        return port
    return default


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    return int(raw) if raw else default


#: Where ``ib stack up --brokers N`` records N, so ``status`` and ``down`` find every broker.
BROKERS_FILE = "brokers"
#: A write counts once this many replicas have it (``min.insync.replicas``): two of three.
MIN_IN_SYNC_REPLICAS = 2


def recorded_brokers(run_dir: Path) -> int | None:
    """The broker count the running stack of ``run_dir`` was started with, if one was recorded."""
    try:
        raw = (run_dir / "kafka" / BROKERS_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return int(raw) if raw.isdigit() else None


@dataclass(frozen=True)
class KafkaNode:
    """One Kafka process of the stack: broker and KRaft controller in one JVM."""

    node_id: int
    port: int
    controller_port: int
    directory: Path

    @property
    def name(self) -> str:
        return "kafka" if self.directory.name == "kafka" else f"kafka-{self.node_id}"


@dataclass(frozen=True)
class StackConfig:
    """Ports, paths and timeouts of one local stack (one run directory)."""

    repo_root: Path
    run_dir: Path
    host: str = "127.0.0.1"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    postgres_port: int = 5433
    worker_port: int = 6066
    gateway_port: int = 8000
    #: Kafka nodes: 1 (the default), or 3 as in production (``ib stack up --brokers 3``).
    #: Node n listens on ``kafka_port + 2(n-1)`` with its controller on ``kafka_controller_port
    #: + 2(n-1)`` (9092/9093, 9094/9095, 9096/9097 by default).
    brokers: int = 1
    #: A test run leaves thousands of partitions on the broker before their topics are deleted;
    #: 512 MB ran out with about 15,000.
    kafka_heap: str = "1g"
    kafka_start_timeout_s: float = 90.0
    postgres_start_timeout_s: float = 60.0
    app_start_timeout_s: float = 180.0
    stop_timeout_s: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackConfig:
        env = os.environ if environ is None else environ
        run_dir = Path(env.get("IB_RUN_DIR") or REPO_ROOT / ".run").resolve()
        brokers = _int(env, "IB_KAFKA_BROKERS", recorded_brokers(run_dir) or 1)
        return cls(
            repo_root=REPO_ROOT,
            run_dir=run_dir,
            kafka_port=_int(env, "IB_KAFKA_PORT", local_port(env.get("IB_KAFKA_BOOTSTRAP"), 9092)),
            kafka_controller_port=_int(env, "IB_KAFKA_CONTROLLER_PORT", 9093),
            postgres_port=_int(env, "IB_POSTGRES_PORT", local_port(env.get("IB_DATABASE_URL"), 5433)),
            worker_port=_int(env, "IB_WORKER_WEB_PORT", 6066),
            gateway_port=_int(env, "IB_GATEWAY_PORT", local_port(env.get("IB_GATEWAY_URL"), 8000)),
            brokers=brokers,
        )

    @property
    def kafka_nodes(self) -> tuple[KafkaNode, ...]:
        """One node keeps its files in ``<run dir>/kafka``; each of several in ``kafka/node-<id>``."""
        if self.brokers == 1:
            return (KafkaNode(1, self.kafka_port, self.kafka_controller_port, self.kafka_dir),)
        return tuple(
            KafkaNode(
                node_id,
                self.kafka_port + 2 * (node_id - 1),
                self.kafka_controller_port + 2 * (node_id - 1),
                self.kafka_dir / f"node-{node_id}",
            )
            for node_id in range(1, self.brokers + 1)
        )

    @property
    def replication_factor(self) -> int:
        """Every topic on every broker, up to production's three."""
        return min(self.brokers, 3)

    # Addresses the applications use.
    @property
    def kafka_bootstrap(self) -> str:
        """Every broker, so a client starts even while one of them is down."""
        return ",".join(f"{self.host}:{node.port}" for node in self.kafka_nodes)

    @property
    def database_url(self) -> str:
        return (
            f"postgresql://{DATABASE_USER}:{DATABASE_PASSWORD}@{self.host}:{self.postgres_port}"
            f"/{DATABASE_NAME}"
        )

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    @property
    def worker_url(self) -> str:
        return f"http://{self.host}:{self.worker_port}/"

    # Files.
    @property
    def logs_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def kafka_dir(self) -> Path:
        return self.run_dir / "kafka"

    @property
    def postgres_dir(self) -> Path:
        return self.run_dir / "postgres"

    @property
    def kafka_libs_dir(self) -> Path:
        return self.repo_root / ".cache" / "kafka-libs"

    @property
    def maven_repo_dir(self) -> Path:
        return self.repo_root / ".cache" / "m2"

    @property
    def kafka_pom(self) -> Path:
        return self.repo_root / "dev" / "kafka" / "pom.xml"

    @property
    def lock_file(self) -> Path:
        return self.run_dir / ".stack.lock"

    def child_environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of the processes the stack starts: the caller's, plus this stack's addresses."""
        env = dict(os.environ if base is None else base)
        env.update(
            {
                "IB_RUN_DIR": str(self.run_dir),
                "IB_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
                "IB_DATABASE_URL": self.database_url,
                "IB_GATEWAY_URL": self.gateway_url,
                "IB_KAFKA_REPLICATION_FACTOR": str(self.replication_factor),
                # The ports the stack checks health on (gateway and streams Settings read these).
                "IB_GATEWAY_PORT": str(self.gateway_port),
                "IB_WORKER_WEB_PORT": str(self.worker_port),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.setdefault("IB_BLOB_DIR", str(self.run_dir / "blobs"))
        return env
