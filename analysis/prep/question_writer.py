"""The prep question writer the gateway calls, and the choice of one from settings.

Two implementations answer the same call with questions in the same shape: the curated bank
ranked by the job description (:mod:`analysis.prep.bank_writer`; no network) and Claude
(:mod:`analysis.claude.questions`), which falls back to the bank when it fails and says so in
the notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypedDict

if TYPE_CHECKING:
    from analysis.claude.settings import ClaudeSettings
    from analysis.content.embeddings import SentenceEmbedder


@dataclass(frozen=True)
class JobToPrepare:
    """What the questions are for."""

    job_title: str | None
    interview_type: str | None
    job_description: str | None
    count: int


class SessionQuestion(TypedDict):
    """One question of a prep session, as the session stores it."""

    question_id: str
    text: str
    kind: str
    ai_generated: bool
    skill: str | None
    why: str | None


@dataclass(frozen=True)
class WrittenQuestions:
    questions: list[SessionQuestion]
    #: Said to the user when the writer asked for could not write them (None otherwise).
    notice: str | None = field(default=None)


class QuestionWriter(Protocol):
    name: str

    async def write(self, job: JobToPrepare) -> WrittenQuestions: ...


def question_writer_from_settings(
    settings: ClaudeSettings | None = None, embedder: SentenceEmbedder | None = None
) -> QuestionWriter:
    """Claude (with the bank as its fallback) when ``IB_ANTHROPIC_API_KEY`` is set, else the bank."""
    # Imported here, not above: the anthropic SDK loads only when Claude is asked for.
    from analysis.claude.settings import ClaudeSettings
    from analysis.prep.bank_writer import BankQuestionWriter

    settings = settings or ClaudeSettings()
    bank = BankQuestionWriter(embedder)
    if settings.claude_configured:
        from analysis.claude.questions import ClaudeQuestionWriter

        return ClaudeQuestionWriter(settings, fallback=bank)
    return bank
