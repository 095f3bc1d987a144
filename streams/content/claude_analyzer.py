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

import asyncio
import logging
import random
from email.utils import parsedate_to_datetime
from time import time
from typing import Any

import anthropic
from anthropic.types import Message, ToolUseBlock
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.content.analyzer import AnswerAnalyzer, DelayNotice, OfflineAnalyzer, answer_sentences
from streams.content.claude_prompt import (
    SYSTEM_BLOCK,
    TOOL,
    TOOL_NAME,
    AnswerJudgement,
    StarPartJudgement,
    user_message,
)
from streams.content.confidence import analyze_confidence
from streams.content.models import (
    STAR_PART_NAMES,
    AnswerAnalysis,
    AnswerTurn,
    Confidence,
    Enthusiasm,
    Relevance,
    Star,
    StarPart,
)
from streams.content.quotes import CLOCK, clock, findings, locate_quote, spans
from streams.content.star import PART_WEIGHTS
from topics.errors import InterviewBuddyError

log = logging.getLogger(__name__)

HIGH_DEMAND_NOTICE = "analysis delayed by high demand"
BUSY_STATUSES = frozenset({429, 529})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 529})


class ClaudeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_max_tokens: int = Field(default=1500, ge=256, le=4096)
    anthropic_timeout_seconds: float = Field(default=30.0, gt=0)
    anthropic_max_attempts: int = Field(default=4, ge=1, le=8)
    #: The first backoff; it doubles per attempt, up to ``anthropic_max_wait_seconds``.
    anthropic_backoff_seconds: float = Field(default=1.0, gt=0)
    #: The longest single wait; a ``retry-after`` beyond it gives up instead of stalling the partition.
    anthropic_max_wait_seconds: float = Field(default=30.0, gt=0)

    @property
    def claude_configured(self) -> bool:
        return self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())


class ClaudeUnavailable(InterviewBuddyError):
    """Claude gave no usable analysis; the message is the operator-readable reason."""

    code = "claude_unavailable"


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


def retry_after_seconds(headers: Any) -> float | None:
    """The server's ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date), if any."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


def _validation_summary(exc: ValidationError) -> str:
    """Where the tool input was wrong, without its values (they may quote the answer)."""
    places = [
        f"{'.'.join(str(part) for part in error['loc']) or 'input'} {error['type']}" for error in exc.errors()
    ]
    more = f", +{len(places) - 3} more" if len(places) > 3 else ""
    counted = "1 error" if len(places) == 1 else f"{len(places)} errors"
    return f"{counted}: {'; '.join(places[:3])}{more}"


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
        key = settings.anthropic_api_key
        self.client = client or anthropic.AsyncAnthropic(
            api_key=key.get_secret_value() if key else None,
            base_url=settings.anthropic_base_url,
            timeout=settings.anthropic_timeout_seconds,
            max_retries=0,
        )

    async def aclose(self) -> None:
        await self.client.close()

    async def analyze(
        self, turn: AnswerTurn, job_description: str | None, on_delay: DelayNotice | None = None
    ) -> AnswerAnalysis:
        try:
            message = await self._ask(turn, job_description, on_delay)
            block = next(
                (
                    item
                    for item in message.content
                    if isinstance(item, ToolUseBlock) and item.name == TOOL_NAME
                ),
                None,
            )
            if block is None:
                raise ClaudeUnavailable(
                    f"no {TOOL_NAME} call in the reply (stop_reason {message.stop_reason})"
                )
            try:
                judgement = AnswerJudgement.model_validate(block.input)
            except ValidationError as exc:
                raise ClaudeUnavailable(
                    f"the tool input did not validate ({_validation_summary(exc)})"
                ) from exc
            return analysis_from_judgement(judgement, turn, job_description)
        except ClaudeUnavailable as exc:
            reason = f"claude: {exc}"
        except ValidationError as exc:
            reason = f"claude: the analysis could not be built ({_validation_summary(exc)})"
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
        settings = self.settings
        attempts = settings.anthropic_max_attempts
        for attempt in range(1, attempts + 1):
            status: int | None = None
            wait_hint: float | None = None
            try:
                message = await self.client.messages.create(
                    model=settings.anthropic_model,
                    max_tokens=settings.anthropic_max_tokens,
                    system=[SYSTEM_BLOCK],
                    tools=[TOOL],
                    tool_choice={"type": "tool", "name": TOOL_NAME},
                    messages=[{"role": "user", "content": user_message(turn, job_description)}],
                )
            except anthropic.APITimeoutError as exc:
                failure, error = f"timed out ({settings.anthropic_timeout_seconds:g} s)", exc
            except anthropic.APIConnectionError as exc:
                failure, error = "unreachable (connection failed)", exc
            except anthropic.APIStatusError as exc:
                if exc.status_code not in RETRYABLE_STATUSES:
                    raise ClaudeUnavailable(_refusal(exc)) from exc
                status, wait_hint = exc.status_code, retry_after_seconds(exc.response.headers)
                failure, error = _busy_reason(exc), exc
            except anthropic.AnthropicError as exc:
                raise ClaudeUnavailable(f"unreadable reply ({type(exc).__name__})") from exc
            else:
                usage = message.usage
                log.debug(
                    "Claude usage for %s turn %d: input %d, cache write %s, cache read %s, output %d",
                    turn.interview_id,
                    turn.turn_index,
                    usage.input_tokens,
                    usage.cache_creation_input_tokens,
                    usage.cache_read_input_tokens,
                    usage.output_tokens,
                )
                return message
            if attempt == attempts:
                raise ClaudeUnavailable(f"{failure} after {attempts} attempts") from error
            backoff = settings.anthropic_backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.8, 1.0)
            delay = max(wait_hint, 0.0) if wait_hint is not None else backoff
            if delay > settings.anthropic_max_wait_seconds:
                longest = settings.anthropic_max_wait_seconds
                raise ClaudeUnavailable(
                    f"{failure}; asked to wait {delay:.0f} s, over {longest:g} s"
                ) from error
            log.info(
                "Claude attempt %d/%d for %s turn %d: %s; retrying in %.1f s",
                attempt,
                attempts,
                turn.interview_id,
                turn.turn_index,
                failure,
                delay,
            )
            if status in BUSY_STATUSES and on_delay is not None:
                await on_delay(HIGH_DEMAND_NOTICE)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")


def _busy_reason(exc: anthropic.APIStatusError) -> str:
    if exc.status_code == 529:
        return "overloaded (HTTP 529)"
    if exc.status_code == 429:
        return "rate limited (HTTP 429)"
    return f"server error (HTTP {exc.status_code})"


def _refusal(exc: anthropic.APIStatusError) -> str:
    if exc.status_code == 401:
        return "the API key was rejected (HTTP 401)"
    if exc.status_code == 403:
        return "permission denied (HTTP 403)"
    kind = f" {exc.type}" if isinstance(exc.type, str) else ""
    return f"request refused (HTTP {exc.status_code}{kind})"


def answer_analyzer_from_settings(
    settings: ClaudeSettings | None = None, offline: OfflineAnalyzer | None = None
) -> AnswerAnalyzer:
    """Claude when ``IB_ANTHROPIC_API_KEY`` is set, else the offline analyzer."""
    settings = settings or ClaudeSettings()
    offline = offline or OfflineAnalyzer()
    if settings.claude_configured:
        return ClaudeAnalyzer(settings, offline)
    return offline
