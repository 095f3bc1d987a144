"""Prep questions: from the curated bank without a key; from Claude (through the real
``anthropic`` SDK against ``tests.fakes.anthropic_messages``) with one, the bank standing in when it fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analysis.claude.questions import FELL_BACK_NOTICE, ClaudeQuestionWriter
from analysis.claude.settings import ClaudeSettings
from analysis.content.embeddings import SentenceEmbedder, shared_embedder
from analysis.prep.bank_writer import BankQuestionWriter
from analysis.prep.question_writer import JobToPrepare, question_writer_from_settings
from tests.fakes.anthropic_messages import FakeAnthropic, running_fake_anthropic

API_KEY = "sk-ant-writer-test"
JOB = JobToPrepare(
    job_title="Data engineer",
    interview_type="technical",
    job_description="Build Kafka pipelines and tune SQL queries on PostgreSQL.",
    count=3,
)


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return shared_embedder()


@pytest.fixture
def fake_api() -> Iterator[tuple[FakeAnthropic, str]]:
    with running_fake_anthropic(FakeAnthropic(api_key=API_KEY)) as served:
        yield served


def claude_settings(base_url: str) -> ClaudeSettings:
    return ClaudeSettings.model_validate(
        {
            "anthropic_api_key": API_KEY,
            "anthropic_base_url": base_url,
            "anthropic_max_attempts": 2,
            "anthropic_backoff_seconds": 0.05,
        }
    )


async def test_the_bank_gives_questions_of_the_interviews_kind_that_fit_the_job(
    embedder: SentenceEmbedder,
) -> None:
    written = await BankQuestionWriter(embedder).write(JOB)
    assert len(written.questions) == 3
    assert {question["kind"] for question in written.questions} == {"technical"}
    assert not any(question["ai_generated"] for question in written.questions)
    assert written.notice is None
    # the best fit says which of the job's words it matches
    assert "matches the job on:" in str(written.questions[0]["why"])


async def test_without_a_job_description_the_bank_keeps_its_order(embedder: SentenceEmbedder) -> None:
    plain = JobToPrepare(job_title=None, interview_type="behavioral", job_description=None, count=2)
    written = await BankQuestionWriter(embedder).write(plain)
    assert len(written.questions) == 2
    assert all(question["why"] is None for question in written.questions)


def test_claude_writes_only_when_a_key_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IB_ANTHROPIC_API_KEY", "IB_ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert question_writer_from_settings().name == "bank"
    monkeypatch.setenv("IB_ANTHROPIC_API_KEY", "")
    assert question_writer_from_settings().name == "bank"
    chosen = question_writer_from_settings(claude_settings("http://127.0.0.1:9"))
    assert isinstance(chosen, ClaudeQuestionWriter)
    assert chosen.fallback.name == "bank"


async def test_claudes_questions_are_marked_ai_generated_and_an_unknown_kind_takes_the_interviews(
    fake_api: tuple[FakeAnthropic, str], embedder: SentenceEmbedder
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use(
        {
            "questions": [
                {"text": "How would you make a Kafka consumer survive a broker restart?", "kind": "technical",
                 "skills": ["kafka", "resilience"]},
                {"text": "Walk me through a slow SQL query you made fast.", "kind": "riddle", "skills": []},
            ]
        }
    )  # fmt: skip
    written = await ClaudeQuestionWriter(claude_settings(base_url), BankQuestionWriter(embedder)).write(JOB)
    assert [question["question_id"] for question in written.questions] == ["ai-1", "ai-2"]
    assert all(question["ai_generated"] for question in written.questions)
    assert [question["kind"] for question in written.questions] == ["technical", "technical"]
    assert [question["skill"] for question in written.questions] == ["kafka, resilience", None]
    assert written.notice is None
    [request] = fake.requests
    assert str(JOB.job_description) in request.body["messages"][0]["content"]


async def test_when_claude_stays_overloaded_the_bank_stands_in_and_says_so(
    fake_api: tuple[FakeAnthropic, str], embedder: SentenceEmbedder
) -> None:
    fake, base_url = fake_api
    fake.plan_overloaded(times=2)
    written = await ClaudeQuestionWriter(claude_settings(base_url), BankQuestionWriter(embedder)).write(JOB)
    assert len(written.questions) == 3
    assert not any(question["ai_generated"] for question in written.questions)
    assert written.notice == FELL_BACK_NOTICE
    assert len(fake.requests) == 2


async def test_questions_that_do_not_validate_fall_back_to_the_bank(
    fake_api: tuple[FakeAnthropic, str], embedder: SentenceEmbedder
) -> None:
    fake, base_url = fake_api
    fake.plan_tool_use({"questions": [{"text": "Too short", "kind": "technical"}]})
    written = await ClaudeQuestionWriter(claude_settings(base_url), BankQuestionWriter(embedder)).write(JOB)
    assert written.notice == FELL_BACK_NOTICE
    assert not any(question["ai_generated"] for question in written.questions)
