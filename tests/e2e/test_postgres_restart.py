"""PostgreSQL restarted mid-run (a cluster of this test's own, on its own port and data dir,
never the shared one): the worker waits for it rather than dead-lettering, and every interview
completes, every segment there once, in order."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dev.polling import wait_until
from dev.service_processes import free_port
from dev.stack.config import REPO_ROOT, StackConfig
from dev.stack.postgres import ensure_postgres, layout, stop_postgres
from tests.e2e.conftest import Stack, run_stack
from topics.admin import delete_prefixed_topics

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-postgres-restart"
#: Two different recordings (the same file twice would be linked as a duplicate).
UPLOADS = {"good_speech_wav": "audio/wav", "good_m4a": "audio/mp4"}


def quiet(_line: str) -> None:
    """The stack's progress lines are not this test's output."""


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[StackConfig]:
    cfg = StackConfig(
        repo_root=REPO_ROOT,
        run_dir=tmp_path / "run",
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        postgres_port=free_port(),
        worker_port=free_port(),
        gateway_port=free_port(),
    )
    ensure_postgres(cfg, quiet)
    try:
        yield cfg
    finally:
        stop_postgres(cfg, quiet)
        where = layout(cfg)
        if not where.base.is_relative_to(cfg.run_dir):
            shutil.rmtree(where.base, ignore_errors=True)


@pytest.fixture
def restart_stack(kafka_bootstrap: str, own_postgres: StackConfig, tmp_path: Path) -> Iterator[Stack]:
    stack = run_stack(kafka_bootstrap, own_postgres.database_url, tmp_path / "apps")
    try:
        yield stack
    finally:
        stack.gateway.stop()
        stack.worker.stop()
        asyncio.run(delete_prefixed_topics(kafka_bootstrap, stack.worker.topic_prefix))


def upload(client: httpx.Client, recording: Path, content_type: str) -> str:
    created = client.post("/interviews", json={"company": "Acme"}).raise_for_status().json()
    client.put(
        f"/interviews/{created['interview_id']}/recording",
        content=recording.read_bytes(),
        headers={"Content-Type": content_type, "X-Filename": recording.name},
        timeout=60,
    ).raise_for_status()
    return str(created["interview_id"])


def test_postgres_restarted_mid_run_loses_and_doubles_nothing(
    restart_stack: Stack, own_postgres: StackConfig, recordings: dict[str, Path]
) -> None:
    stack = restart_stack
    with stack.client(USER) as client:
        interview_ids = [upload(client, recordings[name], kind) for name, kind in UPLOADS.items()]
        # Mid-run: once the worker's sink has written to the read model (an interview moved on).
        wait_until(
            lambda: any(
                client.get(f"/interviews/{i}/status").json()["status"] != "UPLOADED" for i in interview_ids
            ),
            120,
            "the worker writing an interview's progress to the read model",
        )
        stop_postgres(own_postgres, quiet)
        # Down until a write of the sink has met the outage and waits, then back.
        wait_until(
            lambda: (
                "read model write waits for a dependency" in stack.worker.log_path.read_text(errors="replace")
            ),
            120,
            "the worker's sink waiting for PostgreSQL",
        )
        ensure_postgres(own_postgres, quiet)

        def statuses() -> dict[str, str] | None:
            try:
                found = {
                    i: str(client.get(f"/interviews/{i}/status").raise_for_status().json()["status"])
                    for i in interview_ids
                }
            except httpx.HTTPError:
                return None  # the gateway's pool reconnecting
            return found if all(s in ("COMPLETED", "FAILED") for s in found.values()) else None

        done = wait_until(statuses, 300, "every interview finished after PostgreSQL came back")
        assert done == dict.fromkeys(interview_ids, "COMPLETED"), stack.worker.problems()
        for interview_id in interview_ids:
            segments = (
                client.get(f"/interviews/{interview_id}/transcript").raise_for_status().json()["segments"]
            )
            assert segments and [s["seq"] for s in segments] == list(range(len(segments)))
            state = client.get(f"/interviews/{interview_id}").raise_for_status().json()
            assert state["segments"] == len(segments) and state["notice"] is None
            assert client.get(f"/interviews/{interview_id}/analysis").status_code == 200
