"""Strimzi ``KafkaTopic`` manifests generated from the topic catalog.

``python -m dev.stack.manifests`` rewrites ``strimzi/topics.yaml``; ``--check`` exits 1 when the
committed file has drifted from ``topics/catalog.py`` (a unit test runs the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from dev.stack.config import REPO_ROOT
from topics.catalog import ALL_TOPICS, TopicSpec

CLUSTER_NAME = "interview-buddy"
#: Production: three brokers; a write is acknowledged by two before it counts (acks=all).
REPLICAS = 3
MIN_IN_SYNC_REPLICAS = 2
TOPICS_FILE = REPO_ROOT / "strimzi" / "topics.yaml"

HEADER = (
    "# Generated from topics/catalog.py by `python -m dev.stack.manifests`: do not edit.\n"
    "# tests/unit/test_manifests.py fails when this file drifts from the catalog.\n"
)


def kafka_topic(spec: TopicSpec) -> dict[str, Any]:
    """One ``KafkaTopic`` resource with the catalog's partitions and settings."""
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaTopic",
        "metadata": {
            # Kubernetes names allow dots and dashes, so the topic's own name fits.
            "name": spec.name,
            "labels": {"strimzi.io/cluster": CLUSTER_NAME, "app.kubernetes.io/part-of": "interview-buddy"},
            "annotations": {
                "interview-buddy/producers": ",".join(spec.producers) or f"none yet: {spec.not_yet_used}",
                "interview-buddy/consumers": ",".join(spec.consumers) or f"none yet: {spec.not_yet_used}",
            },
        },
        "spec": {
            "topicName": spec.name,
            "partitions": spec.partitions,
            "replicas": REPLICAS,
            "config": {**spec.broker_config(), "min.insync.replicas": str(MIN_IN_SYNC_REPLICAS)},
        },
    }


def render_topics(topics: tuple[TopicSpec, ...] = ALL_TOPICS) -> str:
    documents = [kafka_topic(spec) for spec in topics]
    body = yaml.safe_dump_all(documents, sort_keys=False, explicit_start=True, width=120)
    return HEADER + body


def check_or_write(out: Path, rendered: str, command: str, check: bool) -> int:
    """Write a generated file, or with ``check`` exit 1 when the committed one differs."""
    if check:
        current = out.read_text() if out.exists() else ""
        if current != rendered:
            sys.stderr.write(f"{out} differs from topics/catalog.py: run `{command}`\n")
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(rendered)
    sys.stdout.write(f"wrote {out}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--out", type=Path, default=TOPICS_FILE)
    args = parser.parse_args(argv)
    return check_or_write(args.out, render_topics(), "python -m dev.stack.manifests", args.check)


if __name__ == "__main__":
    raise SystemExit(main())
