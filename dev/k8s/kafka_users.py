"""Strimzi ``KafkaUser`` resources, one per party that talks to Kafka, with least-privilege
ACLs derived from the topic catalog's producers and consumers.

``python -m dev.k8s.kafka_users`` rewrites ``strimzi/users.yaml``; ``--check`` exits 1 when the
committed file has drifted from ``topics/catalog.py`` (tests/unit/test_kafka_users.py does too).
Topic names are the production ones (``IB_TOPIC_PREFIX`` empty).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from dev.k8s import workloads
from dev.stack.config import REPO_ROOT
from dev.stack.manifests import CLUSTER_NAME, check_or_write
from topics.catalog import ALL_TOPICS, DEAD_LETTER_TOPICS, REPROCESSED_TOPICS, TOPICS, TopicSpec

USERS_FILE = REPO_ROOT / "strimzi" / "users.yaml"
OPS = "ib ops"
#: (resource type, name, pattern type) → operations allowed on it.
Acls = dict[tuple[str, str, str], set[str]]
READ = {"Read", "Describe"}
WRITE = {"Write", "Describe"}
EVERYTHING = "*"

HEADER = (
    "# Generated from topics/catalog.py by `python -m dev.k8s.kafka_users`: do not edit.\n"
    "# One KafkaUser per party that talks to Kafka (SCRAM-SHA-512), allowed only what the catalog\n"
    "# says it produces and consumes; tests/unit/test_kafka_users.py fails when this file drifts.\n"
)


def _grant(acls: Acls, kind: str, name: str, operations: Iterable[str], pattern: str = "literal") -> None:
    acls.setdefault((kind, name, pattern), set()).update(operations)


def catalog_acls(parties: set[str], topics: tuple[TopicSpec, ...] = ALL_TOPICS) -> Acls:
    """Write on what ``parties`` produce, read on what they consume."""
    acls: Acls = {}
    for spec in topics:
        if parties & set(spec.producers):
            _grant(acls, "topic", spec.name, WRITE)
        if parties & set(spec.consumers):
            _grant(acls, "topic", spec.name, READ)
    return acls


def describe_catalog(acls: Acls) -> Acls:
    """Describe on every catalog topic. At start the gateway and each worker look up every
    catalog topic (``topics.admin.ensure_named_topics``): a topic the broker hides from a user
    looks missing, and the app then tries to create it (refused) and waits a minute for it to
    show. Describing is not reading: the topic's partitions and leaders, no record."""
    for spec in ALL_TOPICS:
        _grant(acls, "topic", spec.name, {"Describe"})
    return acls


def gateway_acls() -> Acls:
    return describe_catalog(catalog_acls({workloads.GATEWAY}))


def worker_acls(deployment: str) -> Acls:
    acls = describe_catalog(catalog_acls(set(workloads.WORKER_GROUPS[deployment])))
    app_id = workloads.faust_app_id(deployment)
    _grant(acls, "group", app_id, READ)
    # Faust's changelog, repartition and leader topics are "<app id>-...": the worker makes them.
    _grant(acls, "topic", f"{app_id}-", {"Create", "Describe", "DescribeConfigs", "Read", "Write"}, "prefix")
    return acls


def ops_acls() -> Acls:
    """``ib ops``: dead letters listed, shown and redriven to their source topic in a transaction
    (``ib-redrive-<dlq topic>``); every topic's offsets, settings and size; every group's lag."""
    acls = catalog_acls({OPS})
    sources = {spec.dead_letter_name: spec for spec in TOPICS if spec.has_dead_letters}
    for dlq in DEAD_LETTER_TOPICS:
        _grant(acls, "topic", sources[dlq.name].name, WRITE)
        _grant(acls, "transactionalId", f"ib-redrive-{dlq.name}", WRITE)
    _grant(acls, "topic", EVERYTHING, {"Describe", "DescribeConfigs"})
    _grant(acls, "group", EVERYTHING, {"Describe"})
    _grant(acls, "cluster", "kafka-cluster", {"Describe"})  # DescribeLogDirs: bytes on disk
    return acls


def analyst_acls() -> Acls:
    """``ib replay``: any catalog topic read without a consumer group. ``ib reprocess``: the
    versioned topics (``<topic>.v<N>``) made, read and written, in a transaction of its own."""
    acls: Acls = {}
    for spec in ALL_TOPICS:
        _grant(acls, "topic", spec.name, READ)
    for spec in REPROCESSED_TOPICS:
        _grant(acls, "topic", f"{spec.name}.v", {"Create", "DescribeConfigs", *READ, *WRITE}, "prefix")
    _grant(acls, "transactionalId", "ib-reprocess-", WRITE, "prefix")
    return acls


def kafka_ui_acls() -> Acls:
    """The Kafka UI browses every topic and group and the cluster's settings; it changes nothing."""
    acls: Acls = {}
    _grant(acls, "topic", EVERYTHING, {"Read", "Describe", "DescribeConfigs"})
    _grant(acls, "group", EVERYTHING, {"Describe"})
    _grant(acls, "cluster", "kafka-cluster", {"Describe", "DescribeConfigs"})
    return acls


def keda_acls() -> Acls:
    """KEDA's Kafka scaler reads the transcription workers' lag: their group's committed offsets
    and the end offsets of the topic they consume."""
    deployment = "worker-transcription"
    acls: Acls = {}
    _grant(acls, "group", workloads.faust_app_id(deployment), {"Describe"})
    for spec in ALL_TOPICS:
        if set(workloads.WORKER_GROUPS[deployment]) & set(spec.consumers):
            _grant(acls, "topic", spec.name, {"Describe"})
    return acls


def all_users() -> dict[str, Acls]:
    users = {workloads.GATEWAY: gateway_acls()}
    users.update({deployment: worker_acls(deployment) for deployment in workloads.WORKER_GROUPS})
    users.update(
        {"ops": ops_acls(), "analyst": analyst_acls(), "kafka-ui": kafka_ui_acls(), "keda": keda_acls()}
    )
    return users


def kafka_user(name: str, acls: Acls) -> dict[str, Any]:
    rules = []
    for (kind, resource_name, pattern), operations in sorted(acls.items()):
        resource: dict[str, str] = {"type": kind}
        if kind != "cluster":
            resource |= {"name": resource_name, "patternType": pattern}
        rules.append({"resource": resource, "operations": sorted(operations), "host": "*"})
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": {
            "name": name,
            "labels": {"strimzi.io/cluster": CLUSTER_NAME, "app.kubernetes.io/part-of": "interview-buddy"},
        },
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {"type": "simple", "acls": rules},
        },
    }


def allows(user: dict[str, Any], kind: str, name: str, operation: str) -> bool:
    """Whether a ``KafkaUser``'s ACLs allow ``operation`` on a resource, as Kafka's authorizer
    matches them: a literal name, ``*``, or a prefix; ``Describe`` is implied by Read and Write."""
    implied = {operation} | ({"Read", "Write"} if operation == "Describe" else set())
    for rule in user["spec"]["authorization"]["acls"]:
        resource = rule["resource"]
        if resource["type"] != kind or not implied & set(rule["operations"]):
            continue
        if kind == "cluster":
            return True
        pattern, resource_name = resource.get("patternType", "literal"), resource["name"]
        if resource_name in (EVERYTHING, name):
            return True
        if pattern == "prefix" and name.startswith(resource_name):
            return True
    return False


def render_users() -> str:
    documents = [kafka_user(name, acls) for name, acls in all_users().items()]
    return HEADER + yaml.safe_dump_all(documents, sort_keys=False, explicit_start=True, width=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--out", type=Path, default=USERS_FILE)
    args = parser.parse_args(argv)
    return check_or_write(args.out, render_users(), "python -m dev.k8s.kafka_users", args.check)


if __name__ == "__main__":
    raise SystemExit(main())
