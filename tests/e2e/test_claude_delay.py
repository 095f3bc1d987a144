"""With a Claude key, the worker analyses answers through the Messages API (here a local
server that speaks it): while the API answers 429, the interview's status says the analysis
is delayed by high demand, and the answer is then analysed by Claude."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Stack, analyze, run_stack
from tests.fakes.anthropic_messages import FakeAnthropic, running_fake_anthropic

pytestmark = [pytest.mark.stack, pytest.mark.slow]

API_KEY = "sk-ant-e2e-delay"
RETRY_AFTER = 4.0
JUDGEMENT: dict[str, Any] = {
    "situation": {"present": True, "quotes": ["the project I am most proud of is a tool that helps nurses"]},
    "task": {"present": False, "quotes": []},
    "action": {"present": True, "quotes": ["I talked to five nurses first"]},
    "result": {"present": True, "quotes": ["the number of last minute calls went down a lot"]},
    "star_score": 80,
    "relevance_to_question": 90,
    "relevance_to_job_description": None,
    "shared_terms": ["project", "proud"],
    "confidence_score": 78,
    "hedge_quotes": [],
    "self_correction_quotes": [],
    "enthusiasm_score": 60,
    "energetic_quotes": [],
    "feedback": [{"note": "Say what your own task was before what you did.", "quote": None}],
}


@pytest.fixture(scope="module")
def claude() -> Iterator[tuple[FakeAnthropic, str]]:
    with running_fake_anthropic(FakeAnthropic(api_key=API_KEY)) as served:
        yield served


@pytest.fixture(scope="module")
def stack(  # the module's own stack: a worker that knows the Claude key
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    claude: tuple[FakeAnthropic, str],
) -> Iterator[Stack]:
    _, base_url = claude
    claude_env = {"IB_ANTHROPIC_API_KEY": API_KEY, "IB_ANTHROPIC_BASE_URL": base_url}
    running = run_stack(
        kafka_bootstrap, database_url, tmp_path_factory.mktemp("stack"), worker_env=claude_env
    )
    yield running
    running.gateway.stop()
    running.worker.stop()


def test_a_busy_claude_delays_the_analysis_and_the_status_says_so(
    stack: Stack, claude: tuple[FakeAnthropic, str], recordings: dict[str, Path]
) -> None:
    fake, _ = claude
    fake.plan_rate_limited(retry_after=RETRY_AFTER)
    fake.plan_tool_use(JUDGEMENT)
    notices: set[str] = set()
    stop = threading.Event()

    def watch() -> None:
        with stack.client("claude-user") as client:
            while not stop.is_set():
                for interview in client.get("/interviews").json()["data"]:
                    if interview.get("notice"):
                        notices.add(interview["notice"])
                stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    began = time.monotonic()
    try:
        analysis = analyze(stack, recordings["sample"], user="claude-user")
    finally:
        stop.set()
        watcher.join(timeout=10)

    assert analysis.returncode == 0, analysis.stderr
    assert time.monotonic() - began >= RETRY_AFTER
    assert notices == {"analysis delayed by high demand"}
    [turn] = analysis.result["content"]["turns"]
    assert turn["analyzer"] == "claude"
    assert turn["star"]["task"]["present"] is False and turn["star"]["result"]["present"] is True
    assert len(fake.requests) == 2 and fake.unserved == 0
