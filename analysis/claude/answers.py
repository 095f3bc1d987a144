"""The Claude answer analyzer: the same call as the offline one, judged by a language model.

Claude is asked, through one forced tool (:data:`TOOL_NAME`), for what a model can judge
from text: the STAR parts with verbatim quotes, relevance, confidence with its hedge and
self-correction quotes, enthusiasm, and up to four feedback notes. The tool input is
validated (:class:`AnswerJudgement`) and every quote is found again in the answer's timed
words (:func:`locate_quote`), so each finding carries its moment like the offline result.
Counts that need no judgement (words, fillers, exclamations) come from the same rules the
offline analyzer uses.

The long rubric is the cached ``system`` block; only the turn goes in the user message.
The SDK's own retries are off: 429/529, 5xx, connection errors and timeouts are retried
here with exponential backoff (honouring ``retry-after``), telling ``on_delay`` while the
API is busy. When Claude fails for good the offline result is returned with a
``degraded_reason``; logs name the interview and turn, never what was said or the key.
"""

from __future__ import annotations

import logging

import anthropic
from anthropic.types import Message
from pydantic import ValidationError

from analysis.claude.answer_prompt import (
    SYSTEM_BLOCK,
    TOOL,
    TOOL_NAME,
    AnswerJudgement,
    StarPartJudgement,
    user_message,
)
from analysis.claude.client import (
    call_tool,
    make_client,
    tool_input,
    validation_summary,
)
from analysis.claude.settings import ClaudeSettings, ClaudeUnavailable
from analysis.content.answer_analysis import (
    STAR_PART_NAMES,
    AnswerAnalysis,
    AnswerTurn,
    Confidence,
    Enthusiasm,
    Relevance,
    Star,
    StarPart,
)
from analysis.content.answer_analyzer import DelayNotice
from analysis.content.confidence import analyze_confidence
from analysis.content.offline_analyzer import OfflineAnalyzer, answer_sentences
from analysis.content.quotes import CLOCK, findings, locate_quote, spans
from analysis.content.star import PART_WEIGHTS
from analysis.moments import clock

log = logging.getLogger(__name__)


def analysis_from_judgement(
    judgement: AnswerJudgement, turn: AnswerTurn, job_description: str | None
) -> AnswerAnalysis:
    """The :class:`AnswerAnalysis` Claude's judgement amounts to, every quote tied to its moment."""
    sentences = answer_sentences(turn)
    parts: dict[str, StarPart] = {}
    unsupported = 0
    for name in STAR_PART_NAMES:
        judged: StarPartJudgement = getattr(judgement, name)
        evidence = spans(judged.quotes, sentences) if judged.present else []
        # A part is present only with a quote the candidate really said.
        if judged.present and not evidence:
            unsupported += PART_WEIGHTS[name]
        parts[name] = StarPart(present=bool(evidence), evidence=evidence)
    star = Star(**parts, score=max(0, judgement.star_score - unsupported))
    to_job = judgement.relevance_to_job_description if job_description and job_description.strip() else None
    to_question = judgement.relevance_to_question
    relevance = Relevance(
        score=to_question if to_job is None else round(0.7 * to_question + 0.3 * to_job),
        to_question=to_question,
        to_job_description=to_job,
        shared_terms=judgement.shared_terms,
    )
    counted = analyze_confidence(sentences)
    confidence = Confidence(
        score=judgement.confidence_score,
        hedges=findings("hedge", judgement.hedge_quotes, sentences),
        self_corrections=findings("self-correction", judgement.self_correction_quotes, sentences),
        filler_count=counted.filler_count,
        word_count=counted.word_count,
    )
    enthusiasm = Enthusiasm(
        score=judgement.enthusiasm_score,
        energetic_words=findings("energetic", judgement.energetic_quotes, sentences),
        exclamations=sum(1 for sentence in sentences if sentence.words[-1].text.endswith("!")),
    )
    answer_at = turn.answer_start if turn.answer_start is not None else turn.start
    feedback = []
    for item in judgement.feedback:
        note = item.note.strip()
        if not CLOCK.search(note):
            where = locate_quote(item.quote, sentences) if item.quote else None
            note += f" (at {clock(where.start)})" if where else f" (answer at {clock(answer_at)})"
        feedback.append(note)
    return AnswerAnalysis(
        interview_id=turn.interview_id,
        user_id=turn.user_id,
        turn_index=turn.turn_index,
        analyzer="claude",
        star=star,
        relevance=relevance,
        confidence=confidence,
        enthusiasm=enthusiasm,
        feedback=feedback,
    )


# -- the analyzer -----------------------------------------------------------------------------


class ClaudeAnalyzer:
    """Claude through the Messages API, with the offline analyzer as its fallback."""

    name = "claude"

    def __init__(
        self,
        settings: ClaudeSettings,
        offline: OfflineAnalyzer | None = None,
        client: anthropic.AsyncAnthropic | None = None,
    ) -> None:
        if client is None and not settings.claude_configured:
            raise ValueError("the Claude analyzer needs IB_ANTHROPIC_API_KEY")
        self.settings = settings
        self.offline = offline or OfflineAnalyzer()
        self.client = client or make_client(settings)

    async def aclose(self) -> None:
        await self.client.close()

    async def analyze(
        self, turn: AnswerTurn, job_description: str | None, on_delay: DelayNotice | None = None
    ) -> AnswerAnalysis:
        try:
            message = await self._ask(turn, job_description, on_delay)
            try:
                judgement = AnswerJudgement.model_validate(tool_input(message, TOOL_NAME))
            except ValidationError as exc:
                raise ClaudeUnavailable(
                    f"the tool input did not validate ({validation_summary(exc)})"
                ) from exc
            return analysis_from_judgement(judgement, turn, job_description)
        except ClaudeUnavailable as exc:
            reason = f"claude: {exc}"
        except ValidationError as exc:
            reason = f"claude: the analysis could not be built ({validation_summary(exc)})"
        log.warning(
            "Claude analysis of %s turn %d fell back to offline: %s",
            turn.interview_id,
            turn.turn_index,
            reason,
        )
        fallback = await self.offline.analyze(turn, job_description)
        return fallback.model_copy(update={"degraded_reason": reason})

    async def _ask(
        self, turn: AnswerTurn, job_description: str | None, on_delay: DelayNotice | None
    ) -> Message:
        return await call_tool(
            self.client,
            self.settings,
            system=[SYSTEM_BLOCK],
            tool=TOOL,
            content=user_message(turn, job_description),
            label=f"{turn.interview_id} turn {turn.turn_index}",
            on_delay=on_delay,
        )
