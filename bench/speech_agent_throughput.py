"""Speech agent throughput, as a ratio to a bare aiokafka loop over the same records, with the
worker's instrumentation on and off.

    python -m bench.speech_agent_throughput [--segments 5000] [--rounds 9] [--no-relay]

Each round pre-loads fresh ``transcript.segments`` topics on the real broker (the same records,
each carrying the W3C trace context of its interview's transcription in its headers, as the
transcriber sends them), then runs over them, one after the other (in alternating order from
round to round, so a slower machine moment does not always hit the same side):
- baseline: aiokafka consume → Avro decode → Avro encode → produce, in this process;
- agent, instrumented: the real worker (``python -m streams`` with ``IB_AGENTS=measure_speech``):
  decode → metrics → table (with its changelog) → produce ``segment.metrics``, as deployed: its
  Prometheus metrics kept (and scraped, ``bench.speech_agent_runs``) and its spans (one per trace and
  second, ``streams.spans.TraceSpans``) exported over OTLP/HTTP (``bench.otlp_sink`` on loopback,
  the batch exporter's default settings);
- agent, bare: the same worker with no exporter and no metrics (``bench.uninstrumented_worker``);
  each agent run's worker CPU time per segment (after the warm-up) is printed too: other
  tenants of a shared machine move it less than the rate;
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
Targets: agent ÷ baseline ≥ 0.5; the instrumented agent's ratio within 5 % of the bare one's (the
median over the rounds of instrumented ÷ bare, each round's two runs a minute apart at most).
A round whose instrumented run exported no span counts as failed; the bench then says so and
exits 1.
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
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.otlp_sink import OtlpSink
from bench.speech_agent_runs import speech_agent
from bench.stack_addresses import BOOTSTRAP
from bench.topic_rates import Record, output_rate, produce_all, wait_for_output
from dev.service_processes import free_port
from topics.admin import WantedTopic, delete_prefixed_topics, ensure_named_topics, ensure_topics
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS, TopicSpec
from topics.codec import AvroCodec

WORDS = (
    "so um I led the migration of our billing service and uh like we cut the costs by half you know"
).split()
codec = AvroCodec()


def make_segments(count: int, interviews: int = 100) -> list[Record]:
    """Realistic segments: ~20 timed words each, with fillers and pauses, over many interviews,
    each carrying its interview's trace context (its transcription's span)."""
    rng = random.Random(7)
    traceparents = [
        f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01".encode() for _ in range(interviews)
    ]
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
        value = codec.encode(TRANSCRIPT_SEGMENTS.value_schema, segment)
        records.append((interview_id.encode(), value, [("traceparent", traceparents[index % interviews])]))
    return records


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


async def delete_topics(prefix: str) -> None:
    """Every topic of a round: the catalog's (the worker makes them all), the baseline's and
    the relay's sinks and Faust's own (changelogs, leader topics). Thousands of partitions
    left behind by many rounds exhaust a small broker's heap."""
    await delete_prefixed_topics(BOOTSTRAP, prefix)


async def one_round(count: int, records: list[Record], number: int, relay: bool) -> dict[str, float]:
    prefixes = [f"bench-{uuid.uuid4().hex[:6]}-" for _ in ("instrumented", "bare")]
    try:
        return await _measure_round(prefixes, count, records, number, relay)
    finally:
        for prefix in prefixes:
            await delete_topics(prefix)


async def _measure_round(
    prefixes: list[str], count: int, records: list[Record], number: int, relay: bool
) -> dict[str, float]:
    """Each agent run reads its own copy of the records (its own prefix: topics, consumer group)."""
    for prefix in prefixes:
        await ensure_topics(BOOTSTRAP, prefix, (TRANSCRIPT_SEGMENTS, SEGMENT_METRICS))
        await produce_all(TRANSCRIPT_SEGMENTS.full_name(prefix), records)
    instrumented, bare = prefixes
    source = TRANSCRIPT_SEGMENTS.full_name(instrumented)
    baseline_sink = f"{instrumented}bench.baseline"
    await create_topic(baseline_sink, TRANSCRIPT_SEGMENTS)
    rates: dict[str, float] = {}
    order = ["instrumented", "bare", "baseline"]
    for run in order if number % 2 == 0 else reversed(order):
        if run == "baseline":
            rates["baseline"] = await baseline(source, baseline_sink, count)
        elif run == "bare":
            rates["bare"], rates["bare_cpu"] = await speech_agent(bare, count, sink=None)
        else:
            with OtlpSink() as sink:
                rates["instrumented"], rates["instrumented_cpu"] = await speech_agent(
                    instrumented, count, sink
                )
            if sink.exports == 0:
                raise RuntimeError("the instrumented worker exported no span")
            rates["span_exports"], rates["span_bytes"] = sink.exports, sink.received_bytes
    if relay:
        relay_sink = f"{instrumented}bench.relay"
        await create_topic(relay_sink, TRANSCRIPT_SEGMENTS)
        rates["relay"] = await faust_relay(instrumented, source, relay_sink, count)
    return rates


def _round_line(number: int, rates: dict[str, float]) -> str:
    runs = ("baseline", "instrumented", "bare", "relay")
    line = ", ".join(f"{name} {rates[name]:,.0f}/s" for name in runs if name in rates)
    instrumented, bare = (rates[side] / rates["baseline"] for side in ("instrumented", "bare"))
    return (
        f"round {number}: {line}; agent/baseline instrumented {instrumented:.2f}, bare {bare:.2f};"
        f" instrumented/bare {rates['instrumented'] / rates['bare']:.3f}; worker CPU per segment"
        f" instrumented {rates['instrumented_cpu'] * 1e6:.0f} µs, bare {rates['bare_cpu'] * 1e6:.0f} µs"
        f" ({rates['span_exports']:.0f} span exports, {rates['span_bytes'] / 1e6:.1f} MB)"
    )


def _summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (range {min(values):.2f}-{max(values):.2f})"


async def main(count: int, rounds: int, relay: bool) -> int:
    records = make_segments(count)
    results, failed = [], []
    for number in range(rounds):
        try:
            rates = await one_round(count, records, number, relay)
        except Exception as exc:
            failed.append(number + 1)
            print(f"round {number + 1} failed: {exc!r}", flush=True)
            continue
        results.append(rates)
        print(_round_line(number + 1, rates), flush=True)

    print(f"segments: {count}, rounds: {rounds}, failed: {len(failed)}")
    print("baseline: aiokafka consume → decode → encode → produce")
    print("speech agent: decode → metrics → table → produce")
    if results:
        for side, what in (
            ("instrumented", "metrics kept and scraped, spans exported over OTLP"),
            ("bare", "no metrics, no exporter"),
        ):
            ratios = [r[side] / r["baseline"] for r in results]
            print(f"ratio agent / baseline, {side} ({what}): {_summary(ratios)} (target ≥ 0.5)")
        cost = [r["instrumented"] / r["bare"] - 1 for r in results]
        print(
            f"instrumented vs bare, the same round: median {statistics.median(cost):+.1%} "
            f"(range {min(cost):+.1%} to {max(cost):+.1%}; target within -5 %)"
        )
        cpu = [r["instrumented_cpu"] / r["bare_cpu"] - 1 for r in results]
        print(
            f"worker CPU per segment, instrumented vs bare: median {statistics.median(cpu):+.1%} "
            f"(range {min(cpu):+.1%} to {max(cpu):+.1%})"
        )
        if relay:
            print(
                "ratio Faust relay (no work) / baseline: "
                f"{_summary([r['relay'] / r['baseline'] for r in results])}"
            )
    if failed:
        print(f"FAILED: rounds {', '.join(map(str, failed))} did not complete; their figures are left out")
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--no-relay", dest="relay", action="store_false", help="skip the Faust relay ceiling")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.segments, arguments.rounds, arguments.relay)))
