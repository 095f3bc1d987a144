"""The answer analyzer the content agent calls, and the choice of one from settings.

Two implementations answer the same call with the same models: the offline analyzer
(:mod:`analysis.content.offline_analyzer`: rules, lexicons, embeddings; no network) and the
Claude analyzer (:mod:`analysis.claude.answers`), which falls back to the offline result when
Claude fails.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from analysis.content.answer_analysis import AnswerAnalysis, AnswerTurn

if TYPE_CHECKING:
    from analysis.claude.settings import ClaudeSettings
    from analysis.content.offline_analyzer import OfflineAnalyzer

#: Told to the interview's state while an analyzer waits (e.g. "analysis delayed by high demand").
DelayNotice = Callable[[str], Awaitable[None]]


class AnswerAnalyzer(Protocol):
    name: str

    async def analyze(
        self, turn: AnswerTurn, job_description: str | None, on_delay: DelayNotice | None = None
    ) -> AnswerAnalysis: ...

    async def aclose(self) -> None:
        """Let go of any connection the analyzer holds (the worker calls it on stop)."""


def answer_analyzer_from_settings(
    settings: ClaudeSettings | None = None, offline: OfflineAnalyzer | None = None
) -> AnswerAnalyzer:
    """Claude when ``IB_ANTHROPIC_API_KEY`` is set, else the offline analyzer."""
    # Imported here, not above: the anthropic SDK loads only when Claude is asked for.
    from analysis.claude.settings import ClaudeSettings
    from analysis.content.offline_analyzer import OfflineAnalyzer

    settings = settings or ClaudeSettings()
    offline = offline or OfflineAnalyzer()
    if settings.claude_configured:
        from analysis.claude.answers import ClaudeAnalyzer

        return ClaudeAnalyzer(settings, offline)
    return offline
