"""Apache Kafka 4.x (KRaft) under ``<run dir>/kafka``: one node, broker and controller in one
JVM, or (``ib stack up --brokers 3``) three such nodes forming one cluster, as in production.

The broker's jars come from Maven Central through ``dev/kafka/pom.xml`` into ``.cache/kafka-libs``;
each node's storage is formatted on first start; each runs detached with a pidfile.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from dev.stack import kafka_probe
from dev.stack.config import BROKERS_FILE, KafkaNode, StackConfig, recorded_brokers
from dev.stack.errors import StackError
from dev.stack.kafka_config import (
    cluster_id_file,
    config_file,
    data_dir,
    format_arguments,
    java_command,
    log4j_file,
    log_file,
    new_cluster_id,
    parse_java_major,
    pid_file,
    render_log4j2,
    render_server_properties,
    required_jars,
)
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

MIN_JAVA = 17
INSTALL_HINT = "install it with `apt-get install -y default-jre-headless maven` (or run `make system-deps`)"


# State -------------------------------------------------------------------------------------------


def node_pid(node: KafkaNode) -> int | None:
    return running_pid(pid_file(node), ("kafka.Kafka", str(config_file(node))))


def kafka_pid(cfg: StackConfig) -> int | None:
    """A pid of this stack's Kafka (the first node that runs), or None when no node runs."""
    return next((pid for node in cfg.kafka_nodes if (pid := node_pid(node)) is not None), None)


def node_healthy(cfg: StackConfig, node: KafkaNode) -> bool:
    return kafka_probe.broker_is_ready(cfg.host, node.port)


def kafka_healthy(cfg: StackConfig) -> bool:
    return all(node_healthy(cfg, node) for node in cfg.kafka_nodes)


def node_status(cfg: StackConfig, node: KafkaNode) -> PartStatus:
    pid = node_pid(node)
    healthy = node_healthy(cfg, node)
    if healthy and pid is None:
        detail = "answers, but was not started by this stack"
    elif healthy:
        detail = "broker answers metadata requests"
    elif pid is not None:
        detail = "running but not answering"
    else:
        detail = "stopped"
    return PartStatus(node.name, pid, node.port, healthy and pid is not None, detail, log_file(node))


def kafka_statuses(cfg: StackConfig) -> list[PartStatus]:
    return [node_status(cfg, node) for node in cfg.kafka_nodes]


def kafka_status(cfg: StackConfig) -> PartStatus:
    """The first node's status (the only node's, by default)."""
    return node_status(cfg, cfg.kafka_nodes[0])


def jars_ready(cfg: StackConfig) -> bool:
    names = required_jars(cfg.kafka_pom.read_text())
    return all((cfg.kafka_libs_dir / name).is_file() for name in names)


def kafka_problems(cfg: StackConfig) -> list[str]:
    """What would stop Kafka from starting here, checked before anything starts."""
    problems = []
    recorded = recorded_brokers(cfg.run_dir)
    if recorded is not None and recorded != cfg.brokers:
        problems.append(
            f"kafka: this run directory's stack was started with {recorded} broker(s), not {cfg.brokers}; "
            "run `ib stack down` first"
        )
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
    for node in cfg.kafka_nodes:
        if node_pid(node) is not None:
            continue
        for port in (node.port, node.controller_port):
            clash = find_clash(node.name, cfg.host, port, None)
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


def write_config(cfg: StackConfig, node: KafkaNode) -> None:
    for directory in (node.directory, data_dir(node), log_file(node).parent):
        directory.mkdir(parents=True, exist_ok=True)
    config_file(node).write_text(render_server_properties(cfg, node))
    log4j_file(node).write_text(render_log4j2())


def cluster_id(cfg: StackConfig) -> str:
    """The cluster's id: made once per run directory and kept, so a node formatted later joins."""
    path = cluster_id_file(cfg)
    if cfg.brokers == 1:
        return new_cluster_id()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_cluster_id() + "\n")
    return path.read_text().strip()


def format_storage(cfg: StackConfig, node: KafkaNode, report: Report) -> None:
    """Format the log directory once; an unformatted one makes the broker exit at start."""
    if (data_dir(node) / "meta.properties").exists():
        return
    report(f"{node.name}: formatting storage (first start) ...")
    run_checked(
        java_command(cfg, node, "kafka.tools.StorageTool", *format_arguments(cfg, node, cluster_id(cfg))),
        what="Formatting Kafka's storage",
        log_file=log_file(node),
        cwd=node.directory,
    )


def prepare_nodes(cfg: StackConfig, nodes: list[KafkaNode], report: Report) -> None:
    """Jars fetched, then each node's config written and storage formatted, the nodes at once
    (formatting starts a JVM: a few seconds each)."""
    if not nodes:
        return
    resolve_jars(cfg, report)

    def prepare(node: KafkaNode) -> None:
        write_config(cfg, node)
        format_storage(cfg, node, report)

    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(prepare, nodes))


def start_node(cfg: StackConfig, node: KafkaNode, report: Report = log_report) -> int:
    """Start one node (its config written, its storage formatted first); return its pid."""
    resolve_jars(cfg, report)
    write_config(cfg, node)
    format_storage(cfg, node, report)
    pid = spawn_node(cfg, node)
    report(f"{node.name}: started (pid {pid}), waiting for the broker on {cfg.host}:{node.port} ...")
    return pid


def spawn_node(cfg: StackConfig, node: KafkaNode) -> int:
    """Start a node whose config is written and storage formatted, its pid in its pidfile."""
    pid = spawn_detached(
        java_command(cfg, node, "kafka.Kafka", str(config_file(node))),
        log_file=log_file(node),
        env=cfg.child_environment(),
        cwd=node.directory,
    )
    write_pidfile(pid_file(node), pid)
    return pid


def ensure_kafka(cfg: StackConfig | None = None, report: Report = log_report) -> list[PartStatus]:
    """Start every node of this stack's Kafka that is not running; wait until all answer.

    The nodes of a cluster start together: none answers before a quorum of controllers runs.
    """
    cfg = cfg or StackConfig.from_env()
    if any(node_pid(node) is None for node in cfg.kafka_nodes):
        problems = kafka_problems(cfg)
        if problems:
            raise StackError("\n".join(problems))
    prepare_nodes(cfg, [node for node in cfg.kafka_nodes if node_pid(node) is None], report)
    started: dict[KafkaNode, int] = {}
    for node in cfg.kafka_nodes:
        pid = node_pid(node)
        if pid is not None and node_healthy(cfg, node):
            report(f"{node.name}: already running (pid {pid}) on {cfg.host}:{node.port}")
            continue
        started[node] = pid if pid is not None else start_node(cfg, node, report)
    if cfg.brokers > 1:
        (cfg.kafka_dir / BROKERS_FILE).write_text(f"{cfg.brokers}\n")
    for node, pid in started.items():
        wait_for_node(cfg, node, pid)
        report(f"{node.name}: healthy on {cfg.host}:{node.port}")
    return kafka_statuses(cfg)


def wait_for_node(cfg: StackConfig, node: KafkaNode, pid: int) -> None:
    alive = lambda: is_alive(pid)  # noqa: E731
    healthy = lambda: node_healthy(cfg, node)  # noqa: E731
    if not wait_for_service(healthy, timeout_s=cfg.kafka_start_timeout_s, still_starting=alive):
        state = "exited" if not alive() else f"did not answer within {cfg.kafka_start_timeout_s:.0f} s"
        log = log_file(node)
        raise StackError(f"{node.name}: the broker {state}; see {log}:\n{tail(log)}")


def stop_node(cfg: StackConfig, node: KafkaNode, report: Report = log_report) -> None:
    pid = node_pid(node)
    if pid is None:
        report(f"{node.name}: not running")
        return
    report(f"{node.name}: stopping (pid {pid}) ...")
    graceful = stop_process(pid, timeout_s=cfg.stop_timeout_s)
    pid_file(node).unlink(missing_ok=True)
    report(f"{node.name}: stopped" if graceful else f"{node.name}: killed after it ignored SIGTERM")


def stop_kafka(cfg: StackConfig, report: Report) -> None:
    """Stop every node at once: one by one, the last would wait out its timeout for a quorum
    of controllers that has already gone."""
    with ThreadPoolExecutor(max_workers=len(cfg.kafka_nodes)) as pool:
        list(pool.map(lambda node: stop_node(cfg, node, report), cfg.kafka_nodes))
    (cfg.kafka_dir / BROKERS_FILE).unlink(missing_ok=True)
