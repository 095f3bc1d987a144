"""Calling Claude: settings, one retried forced-tool call, and reasons an operator can read.

Shared by the answer analyzer and the prep question generator. The SDK's own retries are
off; :func:`call_tool` retries 429/529, 5xx, connection errors and timeouts with
exponential backoff, honouring ``retry-after``, and tells ``on_delay`` while the API is busy.
"""

from __future__ import annotations

import asyncio
import logging
import random
from email.utils import parsedate_to_datetime
from time import time
from typing import Any

import anthropic
from anthropic.types import Message, TextBlockParam, ToolParam, ToolUseBlock
from pydantic import ValidationError

from analysis.claude.settings import ClaudeSettings, ClaudeUnavailable
from analysis.content.answer_analyzer import DelayNotice

log = logging.getLogger(__name__)

HIGH_DEMAND_NOTICE = "analysis delayed by high demand"
BUSY_STATUSES = frozenset({429, 529})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 529})


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


def validation_summary(exc: ValidationError) -> str:
    """Where the tool input was wrong, without its values (they may quote the answer)."""
    places = [
        f"{'.'.join(str(part) for part in error['loc']) or 'input'} {error['type']}" for error in exc.errors()
    ]
    more = f", +{len(places) - 3} more" if len(places) > 3 else ""
    counted = "1 error" if len(places) == 1 else f"{len(places)} errors"
    return f"{counted}: {'; '.join(places[:3])}{more}"


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


async def call_tool(
    client: anthropic.AsyncAnthropic,
    settings: ClaudeSettings,
    *,
    system: list[TextBlockParam],
    tool: ToolParam,
    content: str,
    label: str,
    on_delay: DelayNotice | None = None,
) -> Message:
    """One forced tool call, retried with backoff on 429/529, 5xx, timeouts and connection
    errors (honouring ``retry-after``); ``on_delay`` hears of each wait while the API is busy.
    Raises :class:`ClaudeUnavailable` with an operator-readable reason (never the content).
    ``label`` names the work in the logs (an interview and turn, a prep session)."""
    attempts = settings.anthropic_max_attempts
    for attempt in range(1, attempts + 1):
        status: int | None = None
        wait_hint: float | None = None
        try:
            message = await client.messages.create(
                model=settings.anthropic_model,
                max_tokens=settings.anthropic_max_tokens,
                system=system,
                tools=[tool],
                tool_choice={"type": "tool", "name": tool["name"]},
                messages=[{"role": "user", "content": content}],
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
                "Claude usage for %s: input %d, cache write %s, cache read %s, output %d",
                label,
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
            raise ClaudeUnavailable(f"{failure}; asked to wait {delay:.0f} s, over {longest:g} s") from error
        log.info(
            "Claude attempt %d/%d for %s: %s; retrying in %.1f s", attempt, attempts, label, failure, delay
        )
        if status in BUSY_STATUSES and on_delay is not None:
            await on_delay(HIGH_DEMAND_NOTICE)
        await asyncio.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")


def tool_input(message: Message, tool_name: str) -> object:
    """The input of the reply's call of ``tool_name``; ClaudeUnavailable when there is none."""
    for block in message.content:
        if isinstance(block, ToolUseBlock) and block.name == tool_name:
            return block.input
    raise ClaudeUnavailable(f"no {tool_name} call in the reply (stop_reason {message.stop_reason})")


def make_client(settings: ClaudeSettings) -> anthropic.AsyncAnthropic:
    """The SDK client, its own retries off: retries are :func:`call_tool`'s."""
    key = settings.anthropic_api_key
    return anthropic.AsyncAnthropic(
        api_key=key.get_secret_value() if key else None,
        base_url=settings.anthropic_base_url,
        timeout=settings.anthropic_timeout_seconds,
        max_retries=0,
    )
