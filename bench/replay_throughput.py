"""``ib replay`` to Parquet, as a ratio to a bare aiokafka consume of the same records.

    python -m bench.replay_throughput [--segments 50000] [--rounds 5]

Realistic ``transcript.segments`` records (~20 timed words each, the real Avro schema, the
speech bench's generator) are produced once to a bench-prefixed topic on the real broker.
Then each round reads that whole range twice, one after the other, in alternating order:
- baseline: a bare aiokafka consumer (partitions assigned, no group) that only takes the
  records off the broker, partition by partition, to their end;
- replay: what ``ib replay transcript.segments --format parquet`` runs (``dev/replay``):
  the same records read, decoded (a fetched batch at once, ``dev/replay/avro_arrow.py``), and
  written as Parquet rows to a file.
The ratio is taken within each round (the machine is shared: absolute rates move from minute
to minute) and its median over the rounds is printed, with each side's CPU time per record in
this process (what a loaded machine moves least). Target: replay ÷ baseline ≥ 0.5.
The topic is deleted at the end. A round that reads fewer records than were produced fails
the run: it says so and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.speech_agent_throughput import make_segments
from bench.stack_addresses import BOOTSTRAP
from bench.topic_rates import produce_all
from dev.replay.bounds import Bound
from dev.replay_commands import _replay
from topics.admin import delete_prefixed_topics, ensure_topics
from topics.catalog import TRANSCRIPT_SEGMENTS


async def bare_consume(topic: str) -> int:
    """Every record of ``topic`` taken off the broker, nothing done with it: how many."""
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None, enable_auto_commit=False)
    await consumer.start()
    count = 0
    try:
        partitions = [TopicPartition(topic, p) for p in range(TRANSCRIPT_SEGMENTS.partitions)]
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.assign([tp])
            consumer.seek(tp, 0)
            position = 0
            while position < ends[tp]:
                batches = await consumer.getmany(tp, timeout_ms=5000)
                if not batches.get(tp):
                    break
                count += len(batches[tp])
                position = batches[tp][-1].offset + 1
    finally:
        await consumer.stop()
    return count


async def replay_to_parquet(topic: str, out: Path) -> int:
    return await _replay(
        BOOTSTRAP,
        topic,
        TRANSCRIPT_SEGMENTS.value_schema,
        Bound("earliest"),
        Bound("latest"),
        None,
        "parquet",
        out,
    )


async def timed(step: object) -> tuple[int, float, float]:
    """(records, seconds, CPU seconds of this process) of one step."""
    started, cpu = time.perf_counter(), time.process_time()
    count = await step  # type: ignore[misc]
    return count, time.perf_counter() - started, time.process_time() - cpu


async def main(count: int, rounds: int) -> int:
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    topic = TRANSCRIPT_SEGMENTS.full_name(prefix)
    try:
        await ensure_topics(BOOTSTRAP, prefix, (TRANSCRIPT_SEGMENTS,))
        await produce_all(topic, make_segments(count, interviews=1000))
        ratios, failed = [], 0
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "segments.parquet"
            for number in range(rounds):
                steps = ["baseline", "replay"] if number % 2 == 0 else ["replay", "baseline"]
                rates: dict[str, float] = {}
                cpu_us: dict[str, float] = {}
                for step in steps:
                    work = bare_consume(topic) if step == "baseline" else replay_to_parquet(topic, out)
                    read, seconds, cpu = await timed(work)
                    if read != count:
                        print(f"round {number + 1}: {step} read {read} of {count} records", flush=True)
                        failed += 1
                    rates[step] = read / seconds
                    cpu_us[step] = cpu / max(read, 1) * 1e6
                ratios.append(rates["replay"] / rates["baseline"])
                bare, replayed = cpu_us["baseline"], cpu_us["replay"]
                print(
                    f"round {number + 1}: baseline {rates['baseline']:,.0f}/s ({bare:.0f} µs of CPU a "
                    f"record), replay to Parquet {rates['replay']:,.0f}/s ({replayed:.0f} µs), "
                    f"ratio {ratios[-1]:.2f}",
                    flush=True,
                )
        print(f"segments: {count}, rounds: {rounds}, Parquet file: {out.name}")
        print("baseline: bare aiokafka consume of the same range (assigned, no group, nothing decoded)")
        print(
            f"ratio replay to Parquet / baseline: median {statistics.median(ratios):.2f} "
            f"(range {min(ratios):.2f}-{max(ratios):.2f}; target ≥ 0.5)"
        )
        if failed:
            print(f"FAILED: {failed} runs read the wrong number of records", file=sys.stderr)
            return 1
        return 0
    finally:
        await delete_prefixed_topics(BOOTSTRAP, prefix)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.segments, arguments.rounds)))
