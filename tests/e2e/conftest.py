"""The whole system as a user meets it: a worker and a gateway of their own (own topic
prefix, own run folder) on the real Kafka and PostgreSQL, driven through `ib analyze`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from dev import synthesize
from dev.service_processes import ServiceProcess, gateway_process, new_prefix, worker_process
from topics.admin import delete_prefixed_topics

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The `ib` command installed beside this interpreter (the project's venv).
IB = Path(sys.executable).parent / "ib"
#: Users are new in every test session: the read model outlives a run locally, and the same
#: file uploaded again by the same user would be linked to the earlier run's interview.
SESSION = uuid.uuid4().hex[:8]


def account(user: str) -> str:
    return f"{user}-{SESSION}"


@dataclass
class Stack:
    worker: ServiceProcess
    gateway: ServiceProcess

    def cli_env(self, user: str = "e2e-user") -> dict[str, str]:
        return {
            **os.environ,
            **{k: v for k, v in self.gateway.env().items() if k.startswith("IB_")},
            "IB_USER": account(user),
        }

    def token(self, user: str) -> str:
        """A dev bearer token, from `ib dev-token USER` as a user would get one."""
        command = [str(IB), "dev-token", account(user)]
        env = self.cli_env(user)
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return completed.stdout.strip()

    def client(self, user: str) -> httpx.Client:
        """An HTTP client of the gateway, signed in as ``user``."""
        return httpx.Client(
            base_url=self.gateway.url, headers={"Authorization": f"Bearer {self.token(user)}"}
        )


@dataclass
class Analysis:
    returncode: int
    result: dict[str, Any]
    stderr: str


def run_stack(
    kafka_bootstrap: str,
    database_url: str,
    run_dir: Path,
    worker_env: dict[str, str] | None = None,
    gateway_env: dict[str, str] | None = None,
) -> Stack:
    prefix = new_prefix()
    worker = worker_process(prefix, run_dir, kafka_bootstrap, database_url)
    worker.extra_env.update(worker_env or {})
    gateway = gateway_process(prefix, run_dir, kafka_bootstrap, database_url)
    gateway.extra_env.update(gateway_env or {})
    # One test user uploads more recordings in a run than the free tier allows; the quota
    # itself is tested in tests/integration/test_gateway_quota.py.
    gateway.extra_env["IB_QUOTA_RECORDINGS"] = "1000"
    worker.start()
    gateway.start()
    return Stack(worker, gateway)


@pytest.fixture(scope="session")
def stack(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    running = run_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("stack"))
    yield running
    running.gateway.stop()
    running.worker.stop()
    asyncio.run(delete_prefixed_topics(kafka_bootstrap, running.worker.topic_prefix))


def analyze(stack: Stack, recording: Path, *extra: str, user: str = "e2e-user") -> Analysis:
    """`ib analyze FILE --json`, as a user runs it."""
    completed = subprocess.run(
        [str(IB), "analyze", str(recording), "--json", *extra],
        cwd=REPO_ROOT,
        env=stack.cli_env(user),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    stdout = completed.stdout.strip()
    result = json.loads(stdout) if stdout else {}
    stderr = completed.stderr
    if completed.returncode != 0:
        stderr += f"\n--- {stack.worker.log_path.name}: warnings and errors\n{stack.worker.problems()}"
    return Analysis(completed.returncode, result, stderr)


@pytest.fixture(scope="session")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synthetic recordings, made at test time: the demo sample, the corpus, bad inputs."""
    root = tmp_path_factory.mktemp("recordings")
    files = synthesize.make_bad_inputs(root / "inputs")
    files["sample"] = synthesize.make_sample(root / "sample_interview.wav")
    return files


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every synthetic answer with its reference text and filler counts."""
    root = tmp_path_factory.mktemp("corpus")
    manifest = synthesize.make_corpus(root)
    entries: list[dict[str, Any]] = json.loads(manifest.read_text())
    for entry in entries:
        entry["path"] = root / entry["file"]
    return entries


@dataclass(frozen=True)
class LongRecording:
    path: Path
    reference_words: int


def answers_in_a_row(corpus: list[dict[str, Any]], out: Path) -> LongRecording:
    subprocess.run(["sox", *(str(entry["path"]) for entry in corpus), str(out)], check=True)
    return LongRecording(out, sum(entry["word_count"] for entry in corpus))


@pytest.fixture(scope="session")
def long_recording(corpus: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> LongRecording:
    """Every corpus answer in a row: over four minutes of speech, nine pieces to transcribe."""
    return answers_in_a_row(corpus, tmp_path_factory.mktemp("long") / "long_interview.wav")


@pytest.fixture(scope="session")
def two_answers(corpus: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> LongRecording:
    """Two corpus answers in a row: over a minute and a half, four pieces to transcribe."""
    return answers_in_a_row(corpus[:2], tmp_path_factory.mktemp("two") / "two_answers.wav")


def upload_wav(client: httpx.Client, recording: Path, company: str, **metadata: str) -> str:
    """A new interview (``company`` and any other ``metadata``) with ``recording`` uploaded in one
    request; returns its id."""
    created = client.post("/interviews", json={"company": company, **metadata})
    assert created.status_code == 201, created.text
    interview_id = str(created.json()["interview_id"])
    put_recording(client, interview_id, recording)
    return interview_id


def put_recording(client: httpx.Client, interview_id: str, recording: Path) -> None:
    """``recording`` (a WAV file) uploaded to an interview made before, in one request."""
    with recording.open("rb") as body:
        response = client.put(
            f"/interviews/{interview_id}/recording",
            content=body,
            headers={"Content-Type": "audio/wav", "X-Filename": recording.name},
        )
    assert response.status_code == 202, response.text
