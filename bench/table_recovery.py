"""How long a restarted worker takes to rebuild its tables from their changelogs, with 1,000
interviews of state, and as a ratio to a bare aiokafka consume of the same changelog records.

    python -m bench.table_recovery [--interviews 1000] [--segments 8] [--rounds 3]

A worker of its own (``python -m streams``, topics of a bench prefix) runs the agents that keep
per-interview tables: ``measure_speech`` (``speech_totals``), ``pair_questions``
(``open_turns``, ``interview_context``), ``roll_up_analysis`` (``speech_rollup``,
``analysis_parts``) and ``track_state`` (``interview_state``). It is fed every interview's
transcript (``--segments`` segments each, ~20 timed words, questions among them, the last one
final) and left to fold them into its tables, each update a changelog record. Then, each
round, the worker is stopped and started again, and what its log says times the rebuild: from
Faust's first line of recovery after the start (the changelogs' highwaters) to "Recovery
complete". Beside it, in the same round, a bare aiokafka consumer (no group) reads every record
of the same changelog topics, which is the least any rebuild must do. Figures: the rebuild's
seconds and changelog records per second, and rebuild rate ÷ bare-read rate (median over the
rounds). A round whose worker does not come back, or whose log shows no recovery, fails the
run: it says so and exits 1. The bench's topics are deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from bench.speech_agent_throughput import WORDS
from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from bench.topic_rates import produce_all
from dev.polling import wait_until_async
from dev.service_processes import ServiceProcess, worker_process
from topics.admin import delete_prefixed_topics
from topics.catalog import TRANSCRIPT_SEGMENTS
from topics.codec import AvroCodec

AGENTS = "measure_speech,pair_questions,roll_up_analysis,track_state"
QUESTIONS = ("tell me about a time you led a project?", "how did you handle the conflict?")
FILL_TIMEOUT = 900.0
codec = AvroCodec()
_LOG_TIME = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\] \[(\d+)\]")


def transcripts(interviews: int, segments: int) -> list[tuple[bytes, bytes]]:
    """Every interview's segments, interleaved as live traffic would bring them."""
    rng = random.Random(11)
    records = []
    for seq in range(segments):
        for index in range(interviews):
            interview_id = f"recovery-{index}"
            start = seq * 9.0
            text = QUESTIONS[seq // 4 % 2] if seq % 4 == 0 else " ".join(rng.choice(WORDS) for _ in range(20))
            words, clock = [], start
            for word in text.split():
                clock += rng.choice((0.05, 0.1, 0.6))
                words.append({"word": word, "start": clock, "end": clock + 0.3, "confidence": 0.9})
                clock += 0.3
            segment: dict[str, Any] = {
                "interview_id": interview_id,
                "user_id": f"recovery-user-{index % 50}",
                "seq": seq,
                "start": start,
                "end": clock,
                "text": text,
                "words": words,
                "confidence": 0.9,
                "engine": "bench",
                "audio_duration": segments * 9.0,
                "processed_seconds": clock,
                "elapsed_seconds": 1.0,
                "final": seq == segments - 1,
            }
            records.append((interview_id.encode(), codec.encode(TRANSCRIPT_SEGMENTS.value_schema, segment)))
    return records


async def changelog_ends(prefix: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        names = [
            name
            for name in await admin.list_topics()
            if name.startswith(prefix) and name.endswith("-changelog")
        ]
        described = await admin.describe_topics(names)
        partitions = [
            TopicPartition(entry["topic"], int(p["partition"]))
            for entry in described
            for p in entry["partitions"]
        ]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()
        await admin.close()


async def wait_until_folded(group: str, topic: str, total: int) -> None:
    """Until the worker's group has committed every segment: each is in the tables, and their
    changelog records were flushed before the commit."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()

    async def all_committed() -> bool:
        offsets = await admin.list_consumer_group_offsets(group)
        return (
            sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0) >= total
        )

    try:
        await wait_until_async(
            all_committed, FILL_TIMEOUT, f"{group} committing {total} segments", interval=1.0
        )
    finally:
        await admin.close()


async def bare_read(ends: dict[TopicPartition, int]) -> tuple[int, float]:
    """Every changelog record taken off the broker, nothing done with it: (records, seconds)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None, enable_auto_commit=False)
    await consumer.start()
    count = 0
    started = time.perf_counter()
    try:
        wanted = [tp for tp, end in ends.items() if end > 0]
        consumer.assign(wanted)
        await consumer.seek_to_beginning(*wanted)
        left = {tp: ends[tp] for tp in wanted}
        while left:
            batches = await consumer.getmany(*left, timeout_ms=5000)
            if not batches:
                break
            for tp, records in batches.items():
                count += len(records)
                if records[-1].offset + 1 >= left.get(tp, 0):
                    left.pop(tp, None)
    finally:
        await consumer.stop()
    return count, time.perf_counter() - started


def _moment(line: str) -> float:
    match = _LOG_TIME.match(line)
    assert match is not None
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()


def recovery_seconds(log: str, pid: int) -> float | None:
    """From the first recovery line of process ``pid`` that reads changelogs (their highwaters)
    to its "Recovery complete"."""
    lines = [line for line in log.splitlines() if f"] [{pid}] [" in line]
    start = next((line for line in lines if "Recovery]: Highwater for active changelog" in line), None)
    if start is None:
        return None
    after = lines[lines.index(start) :]
    done = next((line for line in after if "Recovery]: Recovery complete" in line), None)
    return None if done is None else _moment(done) - _moment(start)


async def one_round(
    worker: ServiceProcess, ends: dict[TopicPartition, int], restore_first: bool
) -> dict[str, float] | None:
    figures: dict[str, float] = {}
    for step in ("restore", "bare") if restore_first else ("bare", "restore"):
        if step == "bare":
            read, seconds = await bare_read(ends)
            figures["bare_rate"] = read / seconds
            continue
        worker.stop()
        spawned = time.monotonic()
        await asyncio.to_thread(worker.start, 300.0)
        assert worker.process is not None
        await wait_until_async(
            lambda: _recovered(worker), 300.0, "the restarted worker's recovery", interval=0.5
        )
        seconds = recovery_seconds(worker.log_path.read_text(errors="replace"), worker.process.pid)
        if seconds is None or seconds <= 0:
            print(f"no recovery in the log of the restarted worker:\n{worker.log_tail()}", file=sys.stderr)
            return None
        figures["restore_seconds"] = seconds
        figures["to_ready_seconds"] = time.monotonic() - spawned
    return figures


async def _recovered(worker: ServiceProcess) -> bool:
    assert worker.process is not None
    return recovery_seconds(worker.log_path.read_text(errors="replace"), worker.process.pid) is not None


async def main(interviews: int, segments: int, rounds: int) -> int:
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    failed = 0
    results: list[dict[str, float]] = []
    total = 0
    with tempfile.TemporaryDirectory() as run_dir:
        worker = worker_process(prefix, Path(run_dir), BOOTSTRAP, DATABASE_URL)
        worker.extra_env.update({"IB_AGENTS": AGENTS, "IB_NOTIFY_MAX_AGE_SECONDS": "0"})
        try:
            worker.start(300.0)
            records = transcripts(interviews, segments)
            await produce_all(TRANSCRIPT_SEGMENTS.full_name(prefix), records)
            group = f"{prefix}interview-buddy-{'-'.join(sorted(AGENTS.split(',')))}"
            await wait_until_folded(group, TRANSCRIPT_SEGMENTS.full_name(prefix), len(records))
            ends = await changelog_ends(prefix)
            total = sum(ends.values())
            print(
                f"{interviews} interviews, {len(records)} segments folded: {total} changelog records in "
                f"{len({tp.topic for tp in ends})} changelogs",
                flush=True,
            )
            for number in range(rounds):
                figures = await one_round(worker, ends, restore_first=number % 2 == 0)
                if figures is None:
                    failed += 1
                    continue
                restore_rate = total / figures["restore_seconds"]
                figures["ratio"] = restore_rate / figures["bare_rate"]
                results.append(figures)
                rebuilt, ready = figures["restore_seconds"], figures["to_ready_seconds"]
                print(
                    f"round {number + 1}: rebuilt in {rebuilt:.2f} s ({restore_rate:,.0f} records/s; start "
                    f"to ready {ready:.1f} s), bare read {figures['bare_rate']:,.0f} records/s, "
                    f"ratio {figures['ratio']:.2f}",
                    flush=True,
                )
        finally:
            worker.stop()
            await delete_prefixed_topics(BOOTSTRAP, prefix)
    if results:
        seconds = [r["restore_seconds"] for r in results]
        print(
            f"tables of {interviews} interviews rebuilt from {total} changelog records: median "
            f"{statistics.median(seconds):.2f} s ({total / statistics.median(seconds):,.0f} records/s; range "
            f"{min(seconds):.2f}-{max(seconds):.2f} s); rebuild rate / bare read: median "
            f"{statistics.median(r['ratio'] for r in results):.2f}"
        )
    if failed:
        print(f"FAILED: {failed} of {rounds} rounds gave no recovery", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.interviews, arguments.segments, arguments.rounds)))
