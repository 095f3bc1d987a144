"""Deleting an interview while the worker transcribes it: the transcription stops quietly (no
failure, no dead letter), no analysis of it is ever written, none of its rows come back, and the
compacted topics end on tombstones for it. The worker then analyses the next recording as usual."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import psycopg
import pytest
from aiokafka import AIOKafkaConsumer

from dev.polling import wait_until
from tests.e2e.conftest import LongRecording, Stack, upload_wav
from topics.catalog import (
    ANALYSIS_COMPLETED,
    DEAD_LETTER_TOPICS,
    INTERVIEW_STATE,
    TRANSCRIPTION_PROGRESS,
    TopicSpec,
)
from topics.codec import AvroCodec

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-deletion"
codec = AvroCodec()


def status_of(client: httpx.Client, interview_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/interviews/{interview_id}/status").json()
    return body


def rows_of(database_url: str, interview_id: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return {
            table: int(
                conn.execute(
                    f"SELECT count(*) FROM {table} WHERE interview_id = %s", (interview_id,)
                ).fetchone()[0]  # type: ignore[index]
            )
            for table in ("transcript_segments", "segment_metrics", "interview_states", "analyses")
        }


async def _records_so_far(
    bootstrap: str, spec: TopicSpec, prefix: str
) -> list[tuple[bytes | None, bytes | None]]:
    """``(key, value)`` of every record the topic holds now, read up to its end."""
    name = spec.full_name(prefix)
    consumer = AIOKafkaConsumer(
        name,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + 30
        while not consumer.assignment():  # without a group, every partition once metadata is in
            assert time.monotonic() < deadline, f"no partitions of {name}"
            await consumer.getmany(timeout_ms=200)
        partitions = list(consumer.assignment())
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[tuple[bytes | None, bytes | None]] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            assert time.monotonic() < deadline, f"could not read {name} to its end"
            batches = await consumer.getmany(timeout_ms=500)
            records += [(r.key, r.value) for batch in batches.values() for r in batch]
        return records
    finally:
        await consumer.stop()


def records_so_far(stack: Stack, spec: TopicSpec) -> list[tuple[bytes | None, bytes | None]]:
    return asyncio.run(_records_so_far(stack.worker.kafka_bootstrap, spec, stack.worker.topic_prefix))


def test_deleting_during_transcription_stops_the_worker_and_leaves_nothing(
    stack: Stack, long_recording: LongRecording, corpus: list[dict[str, Any]], database_url: str
) -> None:
    with stack.client(USER) as client:
        interview_id = upload_wav(client, long_recording.path, "Deleted Inc")
        key = interview_id.encode()
        wait_until(
            lambda: (
                status_of(client, interview_id)["status"] == "TRANSCRIBING"
                and rows_of(database_url, interview_id)["transcript_segments"] > 0
            ),
            240,
            "the transcript starting to flow",
        )

        deleted = client.delete(f"/interviews/{interview_id}")
        again = client.delete(f"/interviews/{interview_id}")

        assert (deleted.status_code, again.status_code) == (204, 404)
        assert client.get(f"/interviews/{interview_id}/status").status_code == 404
        wait_until(
            lambda: "was deleted" in stack.worker.log_path.read_text(errors="replace"),
            120,
            "the transcriber stopping on the deleted recording",
        )
        # The state agent answers the gateway's tombstone with its own, after every state it wrote.
        wait_until(
            lambda: sum(k == key and v is None for k, v in records_so_far(stack, INTERVIEW_STATE)) >= 2,
            60,
            "the state agent's tombstone on interview.state",
        )
        # The worker goes on with the next recording: everything of the deleted one that was in
        # flight has gone through the agents by the time this one is analysed.
        shortest = min(corpus, key=lambda entry: entry["duration_s"])
        sentinel = upload_wav(client, shortest["path"], "Deleted Inc")
        finished = wait_until(
            lambda: (s := status_of(client, sentinel))["status"] in ("COMPLETED", "FAILED") and s,
            600,
            "the next interview being analysed",
        )
        assert finished["status"] == "COMPLETED", finished
        assert client.get(f"/interviews/{interview_id}/analysis").status_code == 404

    assert set(rows_of(database_url, interview_id).values()) == {0}, "no row of it came back"
    analyses = [value for k, value in records_so_far(stack, ANALYSIS_COMPLETED) if k == key]
    assert analyses and all(value is None for value in analyses), "no analysis of it, only tombstones"
    states = [value for k, value in records_so_far(stack, INTERVIEW_STATE) if k == key]
    assert states[-1] is None, "interview.state ends on a tombstone"
    for dead_letters in DEAD_LETTER_TOPICS:
        assert not [k for k, _ in records_so_far(stack, dead_letters) if k == key], dead_letters.name
    stages = [
        codec.decode(value, TRANSCRIPTION_PROGRESS.value_schema)["stage"]
        for k, value in records_so_far(stack, TRANSCRIPTION_PROGRESS)
        if k == key and value is not None
    ]
    assert "STARTED" in stages and "FAILED" not in stages, "stopped, not failed"
