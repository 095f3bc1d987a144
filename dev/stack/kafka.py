"""A single-node Apache Kafka 4.x (KRaft, broker and controller in one JVM) under ``<run dir>/kafka``.

The broker's jars come from Maven Central through ``dev/kafka/pom.xml`` into ``.cache/kafka-libs``;
its storage is formatted on first start; it runs detached with a pidfile.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from dev.stack import kafka_probe
from dev.stack.config import StackConfig
from dev.stack.errors import StackError
from dev.stack.ports import find_clash
from dev.stack.processes import (
    is_alive,
    run_checked,
    running_pid,
    spawn_detached,
    stop_process,
    tail,
    wait_for_service,
    write_pidfile,
)
from dev.stack.progress import PartStatus, Report, log_report

NODE_ID = 1
MIN_JAVA = 17
INSTALL_HINT = "install it with `apt-get install -y default-jre-headless maven` (or run `make system-deps`)"
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


# Paths -------------------------------------------------------------------------------------------


def config_file(cfg: StackConfig) -> Path:
    return cfg.kafka_dir / "server.properties"


def log4j_file(cfg: StackConfig) -> Path:
    return cfg.kafka_dir / "log4j2.properties"


def data_dir(cfg: StackConfig) -> Path:
    return cfg.kafka_dir / "data"


def log_file(cfg: StackConfig) -> Path:
    return cfg.kafka_dir / "logs" / "kafka.log"


def pid_file(cfg: StackConfig) -> Path:
    return cfg.kafka_dir / "kafka.pid"


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


def render_server_properties(cfg: StackConfig) -> str:
    """``server.properties`` of a combined broker+controller, everything replicated once."""
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.bootstrap.servers": f"{cfg.host}:{cfg.kafka_controller_port}",
        "listeners": f"PLAINTEXT://{cfg.host}:{cfg.kafka_port},CONTROLLER://{cfg.host}:{cfg.kafka_controller_port}",
        "advertised.listeners": f"PLAINTEXT://{cfg.host}:{cfg.kafka_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data_dir(cfg)),
        # Topics come from the catalog (topics.admin.ensure_topics); a typo must not create one.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        # Fewer internal partitions: the first consumer group of a test waits for them all.
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "10",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
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


def java_command(cfg: StackConfig, main_class: str, *args: str) -> list[str]:
    return [
        "java",
        f"-Xmx{cfg.kafka_heap}",
        "-Xms128m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile=file:{log4j_file(cfg)}",
        f"-Dkafka.logs.dir={log_file(cfg).parent}",
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


# State -------------------------------------------------------------------------------------------


def kafka_pid(cfg: StackConfig) -> int | None:
    return running_pid(pid_file(cfg), ("kafka.Kafka", str(config_file(cfg))))


def kafka_healthy(cfg: StackConfig) -> bool:
    return kafka_probe.broker_is_ready(cfg.host, cfg.kafka_port)


def kafka_status(cfg: StackConfig) -> PartStatus:
    pid = kafka_pid(cfg)
    healthy = kafka_healthy(cfg)
    if healthy and pid is None:
        detail = "answers, but was not started by this stack"
    elif healthy:
        detail = "broker answers metadata requests"
    elif pid is not None:
        detail = "running but not answering"
    else:
        detail = "stopped"
    return PartStatus("kafka", pid, cfg.kafka_port, healthy and pid is not None, detail, log_file(cfg))


def jars_ready(cfg: StackConfig) -> bool:
    names = required_jars(cfg.kafka_pom.read_text())
    return all((cfg.kafka_libs_dir / name).is_file() for name in names)


def kafka_problems(cfg: StackConfig) -> list[str]:
    """What would stop Kafka from starting here, checked before anything starts."""
    problems = []
    if shutil.which("java") is None:
        problems.append(f"kafka: `java` (Java {MIN_JAVA} or newer) is not installed; {INSTALL_HINT}")
    else:
        result = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        major = parse_java_major(result.stderr + result.stdout)
        if major is not None and major < MIN_JAVA:
            problems.append(
                f"kafka: Kafka 4 needs Java {MIN_JAVA} or newer, found Java {major}; {INSTALL_HINT}"
            )
    if not jars_ready(cfg) and shutil.which("mvn") is None:
        problems.append(
            f"kafka: `mvn` is needed once to fetch Kafka's jars and is not installed; {INSTALL_HINT}"
        )
    for port in (cfg.kafka_port, cfg.kafka_controller_port):
        clash = find_clash("kafka", cfg.host, port, None)
        if clash:
            problems.append(
                clash.message()
                + "; stop it, or choose other ports with IB_KAFKA_PORT / IB_KAFKA_CONTROLLER_PORT"
            )
    return problems


# Actions -----------------------------------------------------------------------------------------


def resolve_jars(cfg: StackConfig, report: Report) -> None:
    """Copy the broker's runtime jars from Maven into ``.cache/kafka-libs`` (once per pom version)."""
    if jars_ready(cfg):
        return
    report("kafka: fetching the broker's jars with Maven (once) ...")
    staging = cfg.kafka_libs_dir.with_name("kafka-libs.staging")
    shutil.rmtree(staging, ignore_errors=True)
    run_checked(
        [
            "mvn",
            "-q",
            "-B",
            f"-Dmaven.repo.local={cfg.maven_repo_dir}",
            "-f",
            str(cfg.kafka_pom),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ],
        what="Fetching Kafka's jars with Maven",
        log_file=cfg.logs_dir / "maven.log",
        cwd=cfg.repo_root,
    )
    # Swap whole directories so jars of an older version never share the classpath.
    shutil.rmtree(cfg.kafka_libs_dir, ignore_errors=True)
    staging.replace(cfg.kafka_libs_dir)


def write_config(cfg: StackConfig) -> None:
    for directory in (cfg.kafka_dir, data_dir(cfg), log_file(cfg).parent):
        directory.mkdir(parents=True, exist_ok=True)
    config_file(cfg).write_text(render_server_properties(cfg))
    log4j_file(cfg).write_text(render_log4j2())


def format_storage(cfg: StackConfig, report: Report) -> None:
    """Format the log directory once; an unformatted one makes the broker exit at start."""
    if (data_dir(cfg) / "meta.properties").exists():
        return
    report("kafka: formatting storage (first start) ...")
    run_checked(
        java_command(
            cfg,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            new_cluster_id(),
            "-c",
            str(config_file(cfg)),
        ),
        what="Formatting Kafka's storage",
        log_file=log_file(cfg),
        cwd=cfg.kafka_dir,
    )


def start_kafka(cfg: StackConfig, report: Report) -> int:
    resolve_jars(cfg, report)
    write_config(cfg)
    format_storage(cfg, report)
    pid = spawn_detached(
        java_command(cfg, "kafka.Kafka", str(config_file(cfg))),
        log_file=log_file(cfg),
        env=cfg.child_environment(),
        cwd=cfg.kafka_dir,
    )
    write_pidfile(pid_file(cfg), pid)
    report(f"kafka: started (pid {pid}), waiting for the broker on {cfg.kafka_bootstrap} ...")
    return pid


def ensure_kafka(cfg: StackConfig | None = None, report: Report = log_report) -> PartStatus:
    """Start Kafka unless this stack's Kafka is already running; wait until it answers."""
    cfg = cfg or StackConfig.from_env()
    pid = kafka_pid(cfg)
    if pid is not None and kafka_healthy(cfg):
        report(f"kafka: already running (pid {pid}) on {cfg.kafka_bootstrap}")
        return kafka_status(cfg)
    if pid is None:
        problems = kafka_problems(cfg)
        if problems:
            raise StackError("\n".join(problems))
        pid = start_kafka(cfg, report)
    wait_for_kafka(cfg, pid)
    report(f"kafka: healthy on {cfg.kafka_bootstrap}")
    return kafka_status(cfg)


def wait_for_kafka(cfg: StackConfig, pid: int) -> None:
    alive = lambda: is_alive(pid)  # noqa: E731
    healthy = lambda: kafka_healthy(cfg)  # noqa: E731
    if not wait_for_service(healthy, timeout_s=cfg.kafka_start_timeout_s, still_starting=alive):
        state = "exited" if not alive() else f"did not answer within {cfg.kafka_start_timeout_s:.0f} s"
        raise StackError(f"kafka: the broker {state}; see {log_file(cfg)}:\n{tail(log_file(cfg))}")


def stop_kafka(cfg: StackConfig, report: Report) -> None:
    pid = kafka_pid(cfg)
    if pid is None:
        report("kafka: not running")
        return
    report(f"kafka: stopping (pid {pid}) ...")
    graceful = stop_process(pid, timeout_s=cfg.stop_timeout_s)
    pid_file(cfg).unlink(missing_ok=True)
    report("kafka: stopped" if graceful else "kafka: killed after it ignored SIGTERM")
