"""One retry policy for every external call the worker makes, and how it tells an outage from
a record's own fault.

A call that fails for the record's own reasons (bad data, a 4xx from a service) is tried
``attempts`` times with exponential backoff, then the record is dead-lettered. A dependency
that cannot be reached (connection refused or reset, a timeout: the blob store, PostgreSQL,
SMTP, the schema registry) is not the record's fault: like Kafka Connect's
``errors.retry.timeout`` against ``errors.tolerance``, the partition waits and retries with
capped backoff until the dependency answers, and no attempt is spent meanwhile.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import aiosmtplib
import httpx
import psycopg
from azure.core.exceptions import ServiceRequestError, ServiceResponseError

log = logging.getLogger(__name__)

#: Errors that say the other side could not be reached or did not answer in time.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted, broken pipe
    TimeoutError,  # asyncio's too
    psycopg.OperationalError,  # the server is down, restarting, or closed the connection
    ServiceRequestError,  # Azure: the request never reached the service
    ServiceResponseError,  # Azure: the connection broke before an answer
    httpx.TransportError,  # a blob's read URL: connect, read or protocol failure
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
)
OUTAGE_ERRNOS = frozenset(
    {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT}
)
#: How deep the chain of causes is searched (a sink wraps the SDK's error in its own).
CAUSE_DEPTH = 8


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc``, or an error it was raised from, says a dependency is unreachable."""
    seen: BaseException | None = exc
    for _ in range(CAUSE_DEPTH):
        if seen is None:
            return False
        if isinstance(seen, OUTAGE_ERRORS):
            return True
        if isinstance(seen, OSError) and seen.errno in OUTAGE_ERRNOS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass(frozen=True)
class Retry:
    """A failed try that is about to be tried again, as a caller's ``on_retry`` hook hears of it."""

    error: Exception
    #: Whether a dependency was away (the try is waited out, spending no attempt).
    outage: bool


@dataclass(frozen=True)
class GaveUp:
    """A call given up on: its last error, and the tries it was given (the first included)."""

    error: Exception
    attempts: int


class RetrySettings(Protocol):
    retry_attempts: int
    retry_backoff_seconds: float
    retry_max_backoff_seconds: float


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing call is tried again."""

    #: Tries in all (the first included) before a record that keeps failing is dead-lettered.
    attempts: int = 3
    #: The wait after the first failure; it doubles after each one.
    backoff_seconds: float = 0.5
    #: The longest wait between two tries (an outage is waited out in steps of at most this).
    max_backoff_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")
        if self.backoff_seconds < 0 or self.max_backoff_seconds < self.backoff_seconds:
            raise ValueError("backoff must be >= 0 and at most the maximum backoff")

    @classmethod
    def of(cls, settings: RetrySettings) -> RetryPolicy:
        return cls(
            settings.retry_attempts, settings.retry_backoff_seconds, settings.retry_max_backoff_seconds
        )

    def delay_after(self, failures: int) -> float:
        """The wait after the ``failures``-th failure in a row (1-based), capped."""
        return min(self.backoff_seconds * 2 ** max(failures - 1, 0), self.max_backoff_seconds)

    def gives_up_after(self, attempt: int) -> bool:
        """Whether a record whose ``attempt``-th try failed for its own reasons is dead-lettered."""
        return attempt >= self.attempts

    async def attempt(
        self,
        call: Callable[[], Awaitable[object]],
        what: str,
        *,
        on_retry: Callable[[Retry], Awaitable[None]] | None = None,
        stop: Callable[[], bool] | None = None,
        give_up_at_once: tuple[type[Exception], ...] = (),
    ) -> GaveUp | None:
        """``call()`` until it succeeds, or has failed ``attempts`` times for reasons of its own
        (then what it gave up on); an outage is waited out meanwhile, spending no attempt.

        ``on_retry`` hears of each failed try before its wait (for the caller's metrics and
        notices). ``stop()`` is asked after each failure: when the call is no longer wanted
        (a job whose partition moved away) the tries end with nothing given up on (None). An
        error of a ``give_up_at_once`` kind is given up on at once, whatever it was raised
        from: retrying it would not help (a wait its caller already made ran out)."""
        attempt, outage_waits = 1, 0
        while True:
            try:
                await call()
                return None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if stop is not None and stop():
                    return None
                if isinstance(exc, give_up_at_once):
                    return GaveUp(exc, attempt)
                outage = is_outage(exc)
                if outage:
                    outage_waits += 1
                    delay = self.delay_after(outage_waits)
                    log.warning(
                        "%s waits for a dependency (%d waits), retrying in %.1fs: %s",
                        what,
                        outage_waits,
                        delay,
                        exc,
                    )
                elif self.gives_up_after(attempt):
                    return GaveUp(exc, attempt)
                else:
                    delay = self.delay_after(attempt)
                    log.warning("%s failed (attempt %d), retrying in %.1fs: %s", what, attempt, delay, exc)
                    attempt += 1
                if on_retry is not None:
                    await on_retry(Retry(exc, outage))
                await asyncio.sleep(delay)

    async def open_when_reachable(
        self, open_: Callable[[], Awaitable[object]], opened: asyncio.Event, what: str
    ) -> None:
        """Open a connection (a pool, with its migrations) once its server answers, then set
        ``opened``: a worker started while the database is away waits for it instead of
        stopping. A failure of its own (bad credentials) is logged and leaves it closed."""
        gave_up = await self.attempt(open_, f"opening {what}")
        if gave_up is not None:
            log.critical("could not open %s: %s", what, gave_up.error)
            return
        opened.set()
