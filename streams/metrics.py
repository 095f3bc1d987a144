"""The worker's Prometheus metrics, served at ``/metrics`` on its web port (``IB_WORKER_WEB_PORT``):
what each agent took from each topic and how it ended (processed, retried, dead-lettered,
skipped), how long an event took, the dead letters per topic, the interviews completed and
failed, the time from an upload to its analysis, and the consumer lag of every partition this
worker holds (Faust's monitor: the partition's end at the last fetch less the committed offset)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import faust
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams.app import app, topic_spec_of

EVENTS = Counter(
    "ib_agent_events_total",
    "Events an agent took from a topic, by how each ended: processed, retried (one per retry), "
    "waited (one per wait for an unreachable dependency), dead_lettered, or skipped (a tombstone)",
    ["agent", "topic", "outcome"],
)
EVENT_SECONDS = Histogram(
    "ib_agent_event_seconds",
    "Time an agent spent on one event, its retries included",
    ["agent", "topic"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600),
)
INTERVIEWS_FINISHED = Counter(
    "ib_interviews_finished_total",
    "Interviews whose state became COMPLETED or FAILED (the success rate's parts)",
    ["status"],
)
UPLOAD_TO_ANALYSIS = Histogram(
    "ib_upload_to_analysis_seconds",
    "Time from a recording's upload completing to its first analysis being stored",
    buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 2 * 3600, 6 * 3600),
)
DEAD_LETTERS = Counter(
    "ib_dead_letters_total",
    "Messages sent to a dead-letter topic, by their source topic and the agent that gave up",
    ["topic", "agent"],
)


def count_batch(agent: str, events: Sequence[faust.EventT], seconds: float) -> None:
    """A batch agent's events as processed, each taking its share of the batch's time (the ones
    it dead-lettered are in ``ib_dead_letters_total`` too)."""
    by_topic: dict[str, int] = {}
    for event in events:
        topic = topic_spec_of(event)
        by_topic[topic] = by_topic.get(topic, 0) + 1
    share = seconds / len(events)
    for topic, count in by_topic.items():
        EVENTS.labels(agent, topic, "processed").inc(count)
        timing = EVENT_SECONDS.labels(agent, topic)
        for _ in range(count):
            timing.observe(share)


class ConsumerLag(Collector):
    """``ib_consumer_lag{group, topic, partition}`` of the partitions this worker is assigned."""

    def __init__(self, worker: faust.App) -> None:
        self.worker = worker

    def collect(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily(
            "ib_consumer_lag",
            "Records of a partition this worker's group has not committed yet",
            labels=["group", "topic", "partition"],
        )
        monitor = self.worker.monitor
        ends = monitor.tp_end_offsets or {}
        committed = monitor.tp_committed_offsets or {}
        for tp, end in ends.items():
            behind = max(0, end - committed.get(tp, 0))
            lag.add_metric([self.worker.conf.id, tp.topic, str(tp.partition)], behind)
        yield lag


REGISTRY.register(ConsumerLag(app))


@app.page("/metrics")
async def metrics(web: faust.web.View, request: faust.web.Request) -> faust.web.Response:
    # aiohttp takes the charset apart from the type; Prometheus' text format is UTF-8.
    response = web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response
