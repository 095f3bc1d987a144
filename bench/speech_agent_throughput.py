"""Speech agent throughput, as a ratio to a bare aiokafka loop over the same records.

    python -m bench.speech_agent_throughput [--segments 5000]

Both pipelines read the same pre-loaded ``transcript.segments`` topic on the real broker:
- baseline: aiokafka consume → Avro decode → Avro encode → produce, in this process;
- agent: the real worker (``python -m streams`` with ``IB_AGENTS=measure_speech``): decode →
  metrics → table (with its changelog) → produce ``segment.metrics``.
- Faust ceiling: a Faust agent that only relays the records (``bench.faust_relay``), to show
  what share of the baseline any Faust agent can reach on this machine.
Throughput is measured from the output topics' record timestamps (first to last output), so
start-up and rebalancing do not count. Target: agent ÷ baseline ≥ 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tests.integration.worker_process import free_port, worker_process
from topics.admin import ensure_topics
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


async def output_rate(topic: str, expected: int, timeout: float = 600.0) -> float:
    """Records per second between the first and the last of ``expected`` output records."""
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
    span = (max(timestamps) - min(timestamps)) / 1000
    return (len(timestamps) - 1) / span


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
        return await output_rate(sink, expected)
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(30)


async def create_topic(name: str, spec: TopicSpec) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, spec.partitions, 1)])
    finally:
        await admin.close()


async def main(count: int) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    await ensure_topics(BOOTSTRAP, prefix, (TRANSCRIPT_SEGMENTS, SEGMENT_METRICS))
    baseline_sink = f"{prefix}bench.baseline"
    await create_topic(baseline_sink, TRANSCRIPT_SEGMENTS)
    records = make_segments(count)
    await produce_all(TRANSCRIPT_SEGMENTS.full_name(prefix), records)

    bare = await baseline(TRANSCRIPT_SEGMENTS.full_name(prefix), baseline_sink, count)

    with tempfile.TemporaryDirectory() as run_dir:
        worker = worker_process(prefix, Path(run_dir), BOOTSTRAP, DATABASE_URL)
        worker.extra_env["IB_AGENTS"] = "measure_speech"
        worker.start()
        try:
            agent = await output_rate(SEGMENT_METRICS.full_name(prefix), count)
        finally:
            worker.stop()

    relay_sink = f"{prefix}bench.relay"
    await create_topic(relay_sink, TRANSCRIPT_SEGMENTS)
    relay = await faust_relay(prefix, TRANSCRIPT_SEGMENTS.full_name(prefix), relay_sink, count)

    print(f"segments: {count}")
    print(f"baseline (aiokafka consume → decode → encode → produce): {bare:,.0f} segments/s")
    print(f"speech agent (decode → metrics → table → produce):       {agent:,.0f} segments/s")
    print(f"Faust relay, no work (the ceiling of any Faust agent): {relay:,.0f} segments/s")
    print(f"ratio agent / baseline: {agent / bare:.2f} (target ≥ 0.5)")
    print(f"ratio Faust relay / baseline: {relay / bare:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=5000)
    asyncio.run(main(parser.parse_args().segments))
