"""The Claude analyzer through the real ``anthropic`` SDK, against a local Messages API server.

``tests.fakes.anthropic_messages`` serves ``POST /v1/messages`` on a free loopback port and replies as
each test plans: a tool call, a 429 with ``retry-after``, 529s, malformed tool input, a reply
slower than the client's timeout, prose without the tool, or a 401 for a wrong key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from analysis.claude.answer_prompt import RUBRIC, TOOL_NAME
from analysis.claude.answers import ClaudeAnalyzer
from analysis.claude.client import HIGH_DEMAND_NOTICE
from analysis.claude.settings import ClaudeSettings
from analysis.content.answer_analysis import AnswerTurn, TimedWord
from analysis.content.answer_analyzer import answer_analyzer_from_settings
from analysis.content.offline_analyzer import OfflineAnalyzer
from tests.fakes.anthropic_messages import FakeAnthropic, running_fake_anthropic

API_KEY = "sk-ant-test-0123456789"
QUESTION = "Tell me about a time you made something faster."
ANSWER = (
    "At my last job our builds took forty minutes. I was responsible for the CI pipeline. "
    "I think I, um, rewrote the tests to run in parallel. As a result, builds dropped to twelve minutes!"
)
JOB = "Platform engineer: CI pipelines, build tooling, Python."
# Words of the answer that no log line or degraded reason has a reason to contain.
SPOKEN = ("forty", "responsible", "parallel", "twelve")
# The SDK logs whole requests at DEBUG on its own logger ("anthropic"), which must stay at INFO.
ANALYZER_LOGGER = "analysis.claude.answers"


def interview_turn(answer: str = ANSWER, turn_index: int = 0) -> AnswerTurn:
    """Word i said from 61.0 + 0.6 i for 0.5 s: the answer starts at 1:01."""
    words = [
        TimedWord(word=word, start=61.0 + 0.6 * index, end=61.5 + 0.6 * index)
        for index, word in enumerate(answer.split())
    ]
    return AnswerTurn(
        interview_id="interview-claude",
        user_id="user-claude",
        turn_index=turn_index,
        question=QUESTION,
        answer=answer,
        start=55.0,
        end=82.0,
        question_end=60.0,
        answer_start=61.0,
        answer_words=words,
    )


def good_input(**changes: Any) -> dict[str, Any]:
    tool_input: dict[str, Any] = {
        "situation": {"present": True, "quotes": ["At my last job our builds took forty minutes."]},
        "task": {"present": True, "quotes": ["i was responsible for the CI pipeline"]},
        "action": {"present": True, "quotes": ["I rewrote the tests to run in parallel."]},
        "result": {"present": True, "quotes": ["As a result, builds dropped to twelve minutes!"]},
        "star_score": 95,
        "relevance_to_question": 90,
        "relevance_to_job_description": 70,
        "shared_terms": ["builds", "ci"],
        "confidence_score": 84,
        "hedge_quotes": ["I think"],
        "self_correction_quotes": [],
        "enthusiasm_score": 55,
        "energetic_quotes": [],
        "feedback": [{"note": "Say the hours your team got back each week.", "quote": "twelve minutes"}],
    }
    return {**tool_input, **changes}


@pytest.fixture(scope="module")
def offline() -> OfflineAnalyzer:
    """One offline analyzer (and its sentence-embedding model) for the fallbacks of every test."""
    return OfflineAnalyzer()


@pytest.fixture
def fake_api() -> Iterator[tuple[FakeAnthropic, str]]:
    with running_fake_anthropic(FakeAnthropic(api_key=API_KEY)) as served:
        yield served


@asynccontextmanager
async def claude(
    base_url: str, offline: OfflineAnalyzer, api_key: str = API_KEY, **settings: Any
) -> AsyncIterator[ClaudeAnalyzer]:
    values: dict[str, Any] = {
        "anthropic_api_key": api_key,
        "anthropic_base_url": base_url,
        "anthropic_timeout_seconds": 10.0,
        "anthropic_max_attempts": 3,
        "anthropic_backoff_seconds": 0.05,
        **settings,
    }
    analyzer = ClaudeAnalyzer(ClaudeSettings.model_validate(values), offline)
    try:
        yield analyzer
    finally:
        await analyzer.aclose()


class Notices:
    def __init__(self) -> None:
        self.said: list[str] = []

    async def __call__(self, notice: str) -> None:
        self.said.append(notice)


async def test_a_tool_reply_becomes_a_claude_analysis_tied_to_the_answers_moments(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use(good_input())
    async with claude(base_url, offline) as analyzer:
        analysis = await analyzer.analyze(interview_turn(), JOB)
    assert analysis.analyzer == "claude" and analysis.degraded_reason is None
    assert analysis.star.score == 95 and analysis.star.missing() == []
    # "I was responsible…" is words 9-15: from 61.0 + 5.4 s to 61.5 + 9.0 s.
    task = analysis.star.task.evidence
    assert [(span.text, span.start, span.end) for span in task] == [
        ("I was responsible for the CI pipeline.", 66.4, 70.5)
    ]
    # The model left out "um,": the evidence is what was said, from the second "I" (word 18).
    action = analysis.star.action.evidence
    assert [(span.text, span.start, span.end) for span in action] == [
        ("I, um, rewrote the tests to run in parallel.", 71.8, 77.1)
    ]
    assert [(hedge.text, hedge.start, hedge.end) for hedge in analysis.confidence.hedges] == [
        ("I think", 70.6, 71.7)
    ]
    assert analysis.relevance.score == round(0.7 * 90 + 0.3 * 70)
    assert analysis.feedback == ["Say the hours your team got back each week. (at 1:20)"]
    assert fake.unserved == 0


async def test_the_request_caches_the_rubric_and_forces_the_tool(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use(good_input())
    fake.plan_tool_use(good_input())
    other = "In my previous role I automated our release notes, which saved an hour a week."
    async with claude(base_url, offline, anthropic_model="claude-test-model") as analyzer:
        await analyzer.analyze(interview_turn(), JOB)
        await analyzer.analyze(interview_turn(other, turn_index=1), None)
    first, second = (request.body for request in fake.requests)
    assert first["system"] == [{"type": "text", "text": RUBRIC, "cache_control": {"type": "ephemeral"}}]
    # The cached prefix is the same for every turn; only the user message changes.
    assert second["system"] == first["system"] and second["tools"] == first["tools"]
    assert first["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert [tool["name"] for tool in first["tools"]] == [TOOL_NAME]
    assert set(first["tools"][0]["input_schema"]["required"]) >= {"situation", "star_score", "feedback"}
    assert first["model"] == "claude-test-model" and 0 < first["max_tokens"] <= 4096
    [message] = first["messages"]
    assert message["role"] == "user"
    assert QUESTION in message["content"] and ANSWER in message["content"] and JOB in message["content"]
    assert other in second["messages"][0]["content"] and ANSWER not in second["messages"][0]["content"]
    assert fake.requests[0].headers["anthropic-version"]
    assert fake.requests[0].headers.get("x-stainless-retry-count") == "0"


async def test_a_rate_limit_is_waited_out_as_the_server_asks_and_said_as_high_demand(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_rate_limited(retry_after=1)
    fake.plan_tool_use(good_input())
    notices = Notices()
    async with claude(base_url, offline) as analyzer:
        analysis = await analyzer.analyze(interview_turn(), JOB, on_delay=notices)
    assert analysis.analyzer == "claude" and analysis.degraded_reason is None
    assert notices.said == [HIGH_DEMAND_NOTICE]
    limited, retried = fake.requests
    assert retried.received_at - limited.received_at >= 1.0


async def test_an_api_that_stays_overloaded_gives_the_offline_result_and_says_why(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_overloaded(times=3)
    notices = Notices()
    async with claude(base_url, offline, anthropic_max_attempts=3) as analyzer:
        analysis = await analyzer.analyze(interview_turn(), JOB, on_delay=notices)
    assert analysis.analyzer == "offline"
    assert analysis.degraded_reason is not None and "overloaded" in analysis.degraded_reason
    assert "3 attempts" in analysis.degraded_reason
    assert len(fake.requests) == 3 and fake.unserved == 0
    assert notices.said == [HIGH_DEMAND_NOTICE] * 2  # one notice per wait, none after the last try
    # The fallback is the whole offline analysis, not an empty shell.
    assert analysis.star == offline.analyze_now(interview_turn(), JOB).star


@pytest.mark.parametrize(
    "tool_input",
    [
        pytest.param({"star_score": 80, "feedback": []}, id="missing-fields"),
        pytest.param(good_input(star_score="high", situation="yes"), id="wrong-types"),
        pytest.param(good_input(confidence_score=250), id="out-of-range"),
        pytest.param(["not", "an", "object"], id="not-an-object"),
    ],
)
async def test_tool_input_that_does_not_validate_gives_the_offline_result(
    fake_api: tuple[FakeAnthropic, str],
    offline: OfflineAnalyzer,
    tool_input: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use(tool_input)
    with caplog.at_level(logging.DEBUG, logger=ANALYZER_LOGGER):
        async with claude(base_url, offline) as analyzer:
            analysis = await analyzer.analyze(interview_turn(), JOB)
    assert analysis.analyzer == "offline"
    assert analysis.degraded_reason is not None and "did not validate" in analysis.degraded_reason
    assert len(fake.requests) == 1  # a malformed reply is not asked again
    logged = " ".join(record.getMessage() for record in caplog.records if record.name == ANALYZER_LOGGER)
    assert "interview-claude turn 0" in logged  # the failure is logged, by interview and turn
    assert not any(word in logged or word in analysis.degraded_reason for word in SPOKEN)


async def test_a_reply_slower_than_the_timeout_gives_the_offline_result(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use(good_input(), delay_seconds=8)
    fake.plan_tool_use(good_input(), delay_seconds=8)
    started = time.monotonic()
    async with claude(base_url, offline, anthropic_timeout_seconds=0.5, anthropic_max_attempts=2) as analyzer:
        analysis = await analyzer.analyze(interview_turn(), JOB)
    assert time.monotonic() - started < 6, "the client did not give up at its timeout"
    assert analysis.analyzer == "offline"
    assert analysis.degraded_reason == "claude: timed out (0.5 s) after 2 attempts"
    assert len(fake.requests) == 2


async def test_a_rejected_key_gives_the_offline_result_at_once(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer, caplog: pytest.LogCaptureFixture
) -> None:
    fake, base_url = fake_api
    wrong_key = "sk-ant-wrong-9876543210"
    notices = Notices()
    with caplog.at_level(logging.DEBUG, logger=ANALYZER_LOGGER):
        async with claude(base_url, offline, api_key=wrong_key) as analyzer:
            analysis = await analyzer.analyze(interview_turn(), JOB, on_delay=notices)
    assert analysis.analyzer == "offline"
    assert analysis.degraded_reason == "claude: the API key was rejected (HTTP 401)"
    assert len(fake.requests) == 1 and notices.said == []
    assert wrong_key not in caplog.text


async def test_a_reply_without_the_tool_gives_the_offline_result(
    fake_api: tuple[FakeAnthropic, str], offline: OfflineAnalyzer
) -> None:
    fake, base_url = fake_api
    fake.plan_text("This answer is well structured.")
    async with claude(base_url, offline) as analyzer:
        analysis = await analyzer.analyze(interview_turn(), JOB)
    assert analysis.analyzer == "offline"
    assert analysis.degraded_reason == f"claude: no {TOOL_NAME} call in the reply (stop_reason end_turn)"


def test_claude_is_used_only_when_a_key_is_configured(
    monkeypatch: pytest.MonkeyPatch, offline: OfflineAnalyzer
) -> None:
    for name in ("IB_ANTHROPIC_API_KEY", "IB_ANTHROPIC_BASE_URL", "IB_ANTHROPIC_MODEL"):
        monkeypatch.delenv(name, raising=False)
    assert answer_analyzer_from_settings(offline=offline) is offline
    monkeypatch.setenv("IB_ANTHROPIC_API_KEY", "")
    assert answer_analyzer_from_settings(offline=offline) is offline
    monkeypatch.setenv("IB_ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("IB_ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("IB_ANTHROPIC_MODEL", "claude-test-model")
    settings = ClaudeSettings()
    assert API_KEY not in repr(settings)
    chosen = answer_analyzer_from_settings(settings, offline=offline)
    assert isinstance(chosen, ClaudeAnalyzer) and chosen.name == "claude"
    assert chosen.settings.anthropic_model == "claude-test-model"
    assert str(chosen.client.base_url).startswith("http://127.0.0.1:9")
