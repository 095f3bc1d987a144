"""A worker killed with SIGKILL during transcription: its recognizer processes end with it,
and after a restart the interview completes, and its transcript and metrics have each
segment exactly once."""

from __future__ import annotations

import psutil
import psycopg
import pytest

from dev import synthesize
from dev.polling import wait_until
from dev.service_processes import worker_process
from tests.e2e.conftest import LongRecording, Stack, run_stack, upload_wav

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-crash"
#: The killed worker is taken out of its group after this long without a heartbeat (the broker's
#: least): the replacement's join waits for that, half a minute with the default.
SESSION_TIMEOUT = {"IB_KAFKA_SESSION_TIMEOUT_SECONDS": "6"}


def is_gone(process: psutil.Process) -> bool:
    """Exited, or exited and not yet reaped by whoever adopted it."""
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def recognizer_processes(worker_pid: int) -> list[psutil.Process]:
    """The worker's process-pool children (spawned interpreters running the recognizer)."""
    children = psutil.Process(worker_pid).children(recursive=True)
    return [child for child in children if "spawn_main" in " ".join(child.cmdline())]


def segment_rows(database_url: str, interview_id: str) -> list[tuple[int, str]]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT seq, text FROM transcript_segments WHERE interview_id = %s ORDER BY seq", (interview_id,)
        ).fetchall()
    return [(int(seq), str(text)) for seq, text in rows]


def metric_seqs(database_url: str, interview_id: str) -> list[int]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT seq FROM segment_metrics WHERE interview_id = %s ORDER BY seq", (interview_id,)
        ).fetchall()
    return [int(row[0]) for row in rows]


def test_interview_completes_after_sigkill_without_duplicate_rows(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    two_answers: LongRecording,
) -> None:
    recording, reference_words = two_answers.path, two_answers.reference_words
    stack: Stack = run_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("crash"), SESSION_TIMEOUT)
    replacement = None
    try:
        with stack.client(USER) as client:
            interview_id = upload_wav(client, recording, "Crash Test")
            # Kill once the transcript has started to flow, well before it is done.
            wait_until(lambda: segment_rows(database_url, interview_id), 180, "a first transcript segment")
            assert stack.worker.process is not None
            pool = recognizer_processes(stack.worker.process.pid)
            assert pool, "the worker recognizes in a process pool"
            # Everything the worker started (the pool and multiprocessing's resource tracker).
            children = psutil.Process(stack.worker.process.pid).children(recursive=True)
            stack.worker.kill()
            wait_until(
                lambda: all(is_gone(child) for child in children),
                30,
                f"the killed worker's children {[child.pid for child in children]} exiting",
            )
            killed_status = client.get(f"/interviews/{interview_id}/status").json()
            assert killed_status["status"] != "COMPLETED"

            replacement = worker_process(
                stack.worker.topic_prefix, stack.worker.run_dir, kafka_bootstrap, database_url
            )
            replacement.start()
            status = wait_until(
                lambda: (
                    (s := client.get(f"/interviews/{interview_id}/status").json())["status"]
                    in ("COMPLETED", "FAILED")
                    and s
                ),
                600,
                "the interview finishing after the restart",
            )
            assert status["status"] == "COMPLETED", status
            analysis = client.get(f"/interviews/{interview_id}/analysis").json()
    finally:
        if replacement is not None:
            replacement.stop()
        stack.gateway.stop()
        stack.worker.stop()

    rows = segment_rows(database_url, interview_id)
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(len(rows))), "each segment once, none missing"
    assert metric_seqs(database_url, interview_id) == seqs
    texts = [text.strip() for _, text in rows]
    assert len(texts) == len(set(texts)), "no segment's text appears twice"
    heard_words = sum(len(text.split()) for text in texts)
    assert heard_words == pytest.approx(reference_words, rel=0.10)
    assert analysis["speech"]["word_count"] == pytest.approx(reference_words, rel=0.10)
    assert synthesize.count_words(" ".join(texts)) == pytest.approx(reference_words, rel=0.10)
