"""Claude's settings and its failure, without the SDK: the gateway reads them at start and
imports the anthropic client only when a key is configured and a request needs it."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from topics.errors import InterviewBuddyError


class ClaudeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_max_tokens: int = Field(default=1500, ge=256, le=4096)
    anthropic_timeout_seconds: float = Field(default=30.0, gt=0)
    #: Tries in all, as the worker's retry policy (``IB_RETRY_ATTEMPTS``) has by default.
    anthropic_max_attempts: int = Field(default=3, ge=1, le=8)
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
