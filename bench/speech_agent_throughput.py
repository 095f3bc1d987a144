"""Speech agent throughput, as a ratio to a bare aiokafka loop over the same records.

    python -m bench.speech_agent_throughput [--segments 5000] [--rounds 9] [--no-relay]

Each round pre-loads a fresh ``transcript.segments`` topic on the real broker, then runs over
those same records, one after the other (in alternating order from round to round, so a
slower machine moment does not always hit the same side):
- baseline: aiokafka consume → Avro decode → Avro encode → produce, in this process;
- agent: the real worker (``python -m streams`` with ``IB_AGENTS=measure_speech``): decode →
  metrics → table (with its changelog) → produce ``segment.metrics``;
- Faust ceiling: a Faust agent that only relays the records (``bench.faust_relay``), to show
  what share of the baseline any Faust agent can reach on this machine.
Throughput is measured from the output topics' record timestamps, from the first record after
the warm-up (the first ``WARM_UP`` share of the records) to the last, so start-up,
rebalancing and cold caches do not count. The ratio is taken within each round (the machine
is shared: absolute rates move from run to run) and its median over the rounds is reported.
On a virtual machine whose CPU is shared with other tenants a whole run can take twice the
CPU time of the same run a minute later, so one round can pit a fast baseline against a slow
agent or the other way round: hence nine rounds by default, and the median.
A round deletes its topics when it ends.
Target: agent ÷ baseline ≥ 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from dev.polling import wait_until_async
from dev.service_processes import free_port, worker_process
from topics.admin import WantedTopic, delete_prefixed_topics, ensure_named_topics, ensure_topics
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS, TopicSpec
from topics.codec import AvroCodec

BOOTSTRAP = os.environ.get("IB_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
DATABASE_URL = os.environ.get(
    "IB_DATABASE_URL", "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
)
WORDS = (
    "so um I led the migration of our billing service and uh like we cut the costs by half you know"
).split()
codec = AvroCodec()


def make_segments(count: int, interviews: int = 100) -> list[tuple[bytes, bytes]]:
    """Realistic segments: ~20 timed words each, with fillers and pauses, over many interviews."""
    rng = random.Random(7)
    records = []
    for index in range(count):
        interview_id = f"bench-{index % interviews}"
        seq = index // interviews
        start = seq * 8.0
        words, clock = [], start
        for _ in range(20):
            clock += rng.choice((0.05, 0.1, 0.6))
            words.append({"word": rng.choice(WORDS), "start": clock, "end": clock + 0.3, "confidence": 0.9})
            clock += 0.3
        segment = {
            "interview_id": interview_id,
            "user_id": "bench",
            "seq": seq,
            "start": start,
            "end": clock,
            "text": " ".join(word["word"] for word in words),
            "words": words,
            "confidence": 0.9,
            "engine": "bench",
            "audio_duration": 3600.0,
            "processed_seconds": clock,
            "elapsed_seconds": 1.0,
            "final": False,
        }
        records.append((interview_id.encode(), codec.encode(TRANSCRIPT_SEGMENTS.value_schema, segment)))
    return records


async def produce_all(topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        batch = [await producer.send(topic, key=key, value=value) for key, value in records]
        await asyncio.gather(*batch)
    finally:
        await producer.stop()


#: The share of each run's first records left out of its rate (start-up, cold caches).
WARM_UP = 0.05


async def wait_for_output(topic: str, partitions: int, expected: int, timeout: float = 600.0) -> None:
    """Until ``topic`` holds ``expected`` records, asking only for its end offsets now and
    then: reading the records while the pipeline runs would take CPU from it (the baseline's
    are read after it has finished too)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)

    async def all_written() -> bool:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values()) >= expected

    await consumer.start()
    try:
        await wait_until_async(all_written, timeout, f"{expected} records on {topic}")
    finally:
        await consumer.stop()


async def output_rate(topic: str, expected: int, timeout: float = 600.0) -> float:
    """Records per second of ``expected`` output records, after the warm-up share."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=BOOTSTRAP, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    timestamps: list[int] = []
    try:
        async with asyncio.timeout(timeout):
            while len(timestamps) < expected:
                batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
                for records in batches.values():
                    timestamps.extend(record.timestamp for record in records)
    finally:
        await consumer.stop()
    timestamps.sort()
    measured = timestamps[int(len(timestamps) * WARM_UP) :]
    span = (measured[-1] - measured[0]) / 1000
    return (len(measured) - 1) / span


async def baseline(source: str, sink: str, expected: int) -> float:
    """Bare aiokafka: consume → decode → encode → produce, one record at a time."""
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=BOOTSTRAP,
        auto_offset_reset="earliest",
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
    )
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, linger_ms=5)
    await consumer.start()
    await producer.start()
    done = 0
    try:
        while done < expected:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    value: dict[str, Any] = codec.decode(record.value, TRANSCRIPT_SEGMENTS.value_schema)
                    await producer.send(
                        sink, key=record.key, value=codec.encode(TRANSCRIPT_SEGMENTS.value_schema, value)
                    )
                    done += 1
        await producer.flush()
    finally:
        await consumer.stop()
        await producer.stop()
    return await output_rate(sink, expected)


async def faust_relay(prefix: str, source: str, sink: str, expected: int) -> float:
    env = {
        **os.environ,
        "RELAY_APP": f"{prefix}relay",
        "RELAY_SOURCE": source,
        "RELAY_SINK": sink,
        "RELAY_WEB_PORT": str(free_port()),
        "IB_KAFKA_BOOTSTRAP": BOOTSTRAP,
    }
    relay = subprocess.Popen(
        [sys.executable, "-m", "bench.faust_relay", "worker", "-l", "warn"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await wait_for_output(sink, TRANSCRIPT_SEGMENTS.partitions, expected)
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(30)
    return await output_rate(sink, expected)


async def create_topic(name: str, spec: TopicSpec) -> None:
    await ensure_named_topics(BOOTSTRAP, [WantedTopic(name, spec.partitions)])


async def speech_agent(prefix: str, count: int) -> float:
    with tempfile.TemporaryDirectory() as run_dir:
        worker = worker_process(prefix, Path(run_dir), BOOTSTRAP, DATABASE_URL)
        worker.extra_env["IB_AGENTS"] = "measure_speech"
        worker.start()
        try:
            await wait_for_output(SEGMENT_METRICS.full_name(prefix), SEGMENT_METRICS.partitions, count)
        finally:
            worker.stop()
    return await output_rate(SEGMENT_METRICS.full_name(prefix), count)


async def delete_topics(prefix: str) -> None:
    """Every topic of a round: the catalog's (the worker makes them all), the baseline's and
    the relay's sinks and Faust's own (changelogs, leader topics). Thousands of partitions
    left behind by many rounds exhaust a small broker's heap."""
    await delete_prefixed_topics(BOOTSTRAP, prefix)


async def one_round(
    count: int, records: list[tuple[bytes, bytes]], agent_first: bool, relay: bool
) -> dict[str, float]:
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    try:
        return await _measure_round(prefix, count, records, agent_first, relay)
    finally:
        await delete_topics(prefix)


async def _measure_round(
    prefix: str, count: int, records: list[tuple[bytes, bytes]], agent_first: bool, relay: bool
) -> dict[str, float]:
    await ensure_topics(BOOTSTRAP, prefix, (TRANSCRIPT_SEGMENTS, SEGMENT_METRICS))
    source = TRANSCRIPT_SEGMENTS.full_name(prefix)
    baseline_sink = f"{prefix}bench.baseline"
    await create_topic(baseline_sink, TRANSCRIPT_SEGMENTS)
    await produce_all(source, records)
    rates: dict[str, float] = {}
    if agent_first:
        rates["agent"] = await speech_agent(prefix, count)
    rates["baseline"] = await baseline(source, baseline_sink, count)
    if not agent_first:
        rates["agent"] = await speech_agent(prefix, count)
    if relay:
        relay_sink = f"{prefix}bench.relay"
        await create_topic(relay_sink, TRANSCRIPT_SEGMENTS)
        rates["relay"] = await faust_relay(prefix, source, relay_sink, count)
    return rates


def _summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (range {min(values):.2f}-{max(values):.2f})"


async def main(count: int, rounds: int, relay: bool) -> None:
    records = make_segments(count)
    results = []
    for number in range(rounds):
        rates = await one_round(count, records, agent_first=number % 2 == 1, relay=relay)
        results.append(rates)
        line = ", ".join(f"{name} {rate:,.0f}/s" for name, rate in rates.items())
        print(
            f"round {number + 1}: {line}; agent/baseline {rates['agent'] / rates['baseline']:.2f}", flush=True
        )

    print(f"segments: {count}, rounds: {rounds}")
    print("baseline: aiokafka consume → decode → encode → produce")
    print("speech agent: decode → metrics → table → produce")
    print(f"ratio agent / baseline: {_summary([r['agent'] / r['baseline'] for r in results])} (target ≥ 0.5)")
    if relay:
        print(
            "ratio Faust relay (no work) / baseline: "
            f"{_summary([r['relay'] / r['baseline'] for r in results])}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--no-relay", dest="relay", action="store_false", help="skip the Faust relay ceiling")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.segments, arguments.rounds, arguments.relay))
