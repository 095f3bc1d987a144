"""The deployment's workloads: the gateway and the worker groups, each a Deployment of the one
image (the worker's agents chosen by ``IB_AGENTS``). The manifests in ``deploy/base`` and the
Kafka users in ``strimzi/users.yaml`` are held to these names."""

from __future__ import annotations

from streams.__main__ import AGENTS
from streams.settings import StreamsSettings

GATEWAY = "gateway"
#: Transcription is slow and CPU-bound: its workers scale apart from the rest (also on lag).
TRANSCRIPTION_AGENTS = ("transcribe_recording",)
WORKER_GROUPS: dict[str, tuple[str, ...]] = {
    "worker-transcription": TRANSCRIPTION_AGENTS,
    "worker-analysis": tuple(agent for agent in AGENTS if agent not in TRANSCRIPTION_AGENTS),
}


def agents_setting(deployment: str) -> str:
    """The ``IB_AGENTS`` value of a worker deployment."""
    return ",".join(WORKER_GROUPS[deployment])


def faust_app_id(deployment: str, topic_prefix: str = "") -> str:
    """The worker group's Faust app id, as the worker computes it: its consumer group, and the
    prefix of its tables' changelog topics and its leader topic."""
    settings = StreamsSettings(agents=agents_setting(deployment), topic_prefix=topic_prefix)
    return settings.faust_app_id
