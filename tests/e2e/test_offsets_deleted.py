"""A worker restarted after its group's committed offsets were deleted (what the broker does to
a group idle past ``offsets.retention.minutes``, or ``kafka-consumer-groups --delete-offsets``)
reads every partition from its start: the recording is transcribed again, and the read model's
rows come out the same (a row changed meanwhile is rewritten as it was)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import psycopg
import pytest

from dev.polling import wait_until
from dev.service_processes import worker_process
from tests.e2e.conftest import Stack, run_stack, upload_wav
from tests.integration.consumer_groups import committed_offsets, delete_group_offsets

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-offsets"


def rows(database_url: str, interview_id: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(database_url) as connection:
        return {
            "segments": connection.execute(
                'SELECT seq, "start", "end", text, final FROM transcript_segments'
                " WHERE interview_id = %s ORDER BY seq",
                (interview_id,),
            ).fetchall(),
            "metrics": connection.execute(
                "SELECT seq, word_count, filler_total, pause_count FROM segment_metrics"
                " WHERE interview_id = %s ORDER BY seq",
                (interview_id,),
            ).fetchall(),
        }


def test_a_worker_whose_group_offsets_were_deleted_reads_from_the_start_and_rewrites_the_same_rows(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    corpus: list[dict[str, Any]],
) -> None:
    run_dir = tmp_path_factory.mktemp("offsets")
    stack: Stack = run_stack(kafka_bootstrap, database_url, run_dir)
    group_id = f"{stack.worker.topic_prefix}interview-buddy"
    replacement = worker_process(stack.worker.topic_prefix, run_dir, kafka_bootstrap, database_url)
    try:
        with stack.client(USER) as client:
            # The shortest answer: two pieces, transcribed twice.
            shortest = min(corpus, key=lambda entry: entry["duration_s"])
            interview_id = upload_wav(client, shortest["path"], "Offsets")

            def status() -> str:
                return str(client.get(f"/interviews/{interview_id}/status").json()["status"])

            wait_until(lambda: status() in ("COMPLETED", "FAILED"), 600, "the first analysis")
            assert status() == "COMPLETED", stack.worker.problems()
            before = rows(database_url, interview_id)
            assert before["segments"] and len(before["metrics"]) == len(before["segments"])

            stack.worker.stop()
            committed = asyncio.run(committed_offsets(kafka_bootstrap, group_id))
            partitions: dict[str, int] = defaultdict(int)
            for topic, partition in committed:
                partitions[topic] = max(partitions[topic], partition + 1)
            asyncio.run(delete_group_offsets(kafka_bootstrap, group_id, dict(partitions)))
            assert asyncio.run(committed_offsets(kafka_bootstrap, group_id)) == {}
            with psycopg.connect(database_url) as connection:
                connection.execute(
                    "UPDATE transcript_segments SET text = 'changed meanwhile'"
                    " WHERE interview_id = %s AND seq = 0",
                    (interview_id,),
                )

            replacement.start()
            wait_until(
                lambda: f"transcribed {interview_id}" in replacement.log_path.read_text(errors="replace"),
                600,
                "the recording transcribed again from the start of interview.uploaded",
            )
            wait_until(
                lambda: rows(database_url, interview_id) == before,
                120,
                "the sinks rewriting the same rows from the start of their topics",
            )
            assert status() == "COMPLETED"
            again = asyncio.run(committed_offsets(kafka_bootstrap, group_id))
            assert set(again) >= {tp for tp in committed if tp[0].endswith("interview.uploaded")}
    finally:
        replacement.stop()
        stack.gateway.stop()
        stack.worker.stop()
