"""The worker's Prometheus metrics at ``/metrics`` on its web port: what each agent took from each
topic and how it ended, the dead letters per topic, and the consumer lag of its partitions, as
a poison record and a good one go through the real worker."""

from __future__ import annotations

import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from dev.polling import wait_until_async
from dev.service_processes import ServiceProcess
from dev.topic_records import produce
from tests.integration.test_dead_letters import POISON, segment_event
from topics.catalog import TRANSCRIPT_SEGMENTS

pytestmark = pytest.mark.stack


async def samples(worker: ServiceProcess) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{worker.url}/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_a_poison_record_and_a_good_one_show_in_the_workers_metrics(worker: ServiceProcess) -> None:
    segments = TRANSCRIPT_SEGMENTS.name
    processed = {"agent": "measure_speech", "topic": segments, "outcome": "processed"}
    before = await samples(worker)
    interview_id = f"metrics-{uuid.uuid4().hex[:8]}"

    await produce(worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix, interview_id, POISON)
    await produce(
        worker.kafka_bootstrap,
        TRANSCRIPT_SEGMENTS,
        worker.topic_prefix,
        interview_id,
        segment_event(interview_id),
    )

    async def counted() -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
        now = await samples(worker)
        took = value(now, "ib_agent_events_total", **processed) - value(
            before, "ib_agent_events_total", **processed
        )
        letters = value(now, "ib_dead_letters_total", topic=segments, agent="measure_speech") - value(
            before, "ib_dead_letters_total", topic=segments, agent="measure_speech"
        )
        return now if took >= 2 and letters == 1 else None

    after = await wait_until_async(counted, 60, "the worker's metrics to count both records")
    # The sink took both records too, and the time spent on events is observed per agent.
    assert value(after, "ib_agent_event_seconds_count", agent="measure_speech", topic=segments) >= 2
    lags = [
        labels
        for (name, labels) in after
        if name == "ib_consumer_lag"
        and dict(labels)["topic"] == TRANSCRIPT_SEGMENTS.full_name(worker.topic_prefix)
    ]
    assert lags, "the lag of the partitions the worker holds"
    assert {dict(labels)["group"] for labels in lags} == {f"{worker.topic_prefix}interview-buddy"}
