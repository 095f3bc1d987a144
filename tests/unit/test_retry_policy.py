"""The worker's one retry policy: how long it waits, how often it tries, and which errors it
waits out (a dependency away) rather than counting against the record."""

from __future__ import annotations

import errno
import socket
from collections.abc import Awaitable, Callable

import aiosmtplib
import httpx
import psycopg
import pytest
from azure.core.exceptions import HttpResponseError, ServiceRequestError

from sinks.errors import BlobStoreError, ReadModelUnavailable
from streams.retry_policy import GaveUp, Retry, RetryPolicy, is_outage
from streams.settings import StreamsSettings
from topics.errors import SerializationError


def test_three_attempts_by_default_with_doubling_capped_delays() -> None:
    policy = RetryPolicy.of(StreamsSettings())
    assert policy.attempts == 3
    assert [policy.gives_up_after(attempt) for attempt in (1, 2, 3)] == [False, False, True]
    assert [policy.delay_after(failures) for failures in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert RetryPolicy(attempts=3, backoff_seconds=1.0, max_backoff_seconds=5.0).delay_after(10) == 5.0


def test_the_settings_family_changes_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IB_RETRY_ATTEMPTS", "5")
    monkeypatch.setenv("IB_RETRY_BACKOFF_SECONDS", "0.1")
    monkeypatch.setenv("IB_RETRY_MAX_BACKOFF_SECONDS", "0.3")
    policy = RetryPolicy.of(StreamsSettings())
    assert (policy.attempts, policy.delay_after(1), policy.delay_after(4)) == (5, 0.1, 0.3)
    assert not policy.gives_up_after(4) and policy.gives_up_after(5)


@pytest.mark.parametrize(
    ("attempts", "backoff", "most"), [(0, 0.5, 30.0), (3, -1.0, 30.0), (3, 10.0, 1.0)], ids=str
)
def test_a_policy_that_makes_no_sense_is_refused(attempts: int, backoff: float, most: float) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts, backoff, most)


def _raised_from(cause: BaseException, wrapper: Exception) -> Exception:
    try:
        try:
            raise cause
        except BaseException as exc:
            raise wrapper from exc
    except Exception as wrapped:
        return wrapped


def _refused_connection() -> OSError:
    """A real refused connection on loopback (a port nobody listens on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as exc:
        return exc
    raise AssertionError(f"something listens on 127.0.0.1:{port}")


@pytest.mark.parametrize(
    "error",
    [
        _refused_connection(),
        OSError(errno.EHOSTUNREACH, "no route to host"),
        TimeoutError(),
        psycopg.OperationalError("connection failed: server closed the connection unexpectedly"),
        _raised_from(ServiceRequestError("Cannot connect to host 127.0.0.1:10000"), BlobStoreError("read")),
        _raised_from(httpx.ConnectError("refused"), BlobStoreError("reading through the read URL")),
        _raised_from(psycopg.OperationalError("shutting down"), ReadModelUnavailable()),
        aiosmtplib.SMTPConnectError("refused"),
        aiosmtplib.SMTPServerDisconnected("gone"),
    ],
    ids=[
        "connection-refused",
        "host-unreachable",
        "timeout",
        "postgres-gone",
        "azure-unreachable-wrapped",
        "read-url-refused-wrapped",
        "postgres-shutting-down-wrapped",
        "smtp-refused",
        "smtp-disconnected",
    ],
)
def test_an_unreachable_dependency_is_an_outage(error: BaseException) -> None:
    assert is_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        SerializationError("bad magic byte"),
        ValueError("a segment ends before it starts"),
        KeyError("interview_id"),
        _raised_from(HttpResponseError("400 InvalidBlockList"), BlobStoreError("committing failed")),
        psycopg.errors.UniqueViolation("duplicate key"),
        aiosmtplib.SMTPResponseException(550, "no such user"),
        FileNotFoundError(errno.ENOENT, "gone"),
    ],
    ids=[
        "undecodable",
        "bad-data",
        "missing-field",
        "blob-4xx",
        "constraint-violation",
        "smtp-5xx",
        "file-missing",
    ],
)
def test_a_records_own_fault_is_not_an_outage(error: BaseException) -> None:
    assert not is_outage(error)


async def test_an_outage_is_waited_out_without_spending_attempts() -> None:
    policy = RetryPolicy(attempts=2, backoff_seconds=0.0, max_backoff_seconds=0.01)
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) < 5:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")

    assert await policy.attempt(flaky, "a write") is None
    assert len(calls) == 5  # more than the 2 attempts a record's own fault gets


async def test_a_records_own_fault_gives_up_after_the_attempts_with_the_last_error() -> None:
    policy = RetryPolicy(attempts=3, backoff_seconds=0.0, max_backoff_seconds=0.01)
    calls: list[int] = []

    async def rejecting() -> None:
        calls.append(1)
        raise ValueError(f"bad record (call {len(calls)})")

    gave_up = await policy.attempt(rejecting, "a write")
    assert gave_up is not None and gave_up.attempts == 3
    assert isinstance(gave_up.error, ValueError) and str(gave_up.error) == "bad record (call 3)"
    assert len(calls) == 3


def failing_with(*errors: Exception) -> Callable[[], Awaitable[None]]:
    """A call that raises ``errors`` one per call, then succeeds."""
    left = list(errors)

    async def call() -> None:
        if left:
            raise left.pop(0)

    return call


async def test_the_hook_hears_of_each_retry_and_whether_it_waits_for_a_dependency() -> None:
    policy = RetryPolicy(attempts=3, backoff_seconds=0.0, max_backoff_seconds=0.01)
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    rejected = ValueError("bad record")
    heard: list[Retry] = []

    async def hear(retry: Retry) -> None:
        heard.append(retry)

    call = failing_with(refused, rejected, refused)
    assert await policy.attempt(call, "a write", on_retry=hear) is None
    assert heard == [Retry(refused, outage=True), Retry(rejected, outage=False), Retry(refused, outage=True)]


async def test_the_hook_is_not_called_for_the_failure_given_up_on() -> None:
    policy = RetryPolicy(attempts=2, backoff_seconds=0.0, max_backoff_seconds=0.01)
    heard: list[Retry] = []

    async def hear(retry: Retry) -> None:
        heard.append(retry)

    gave_up = await policy.attempt(failing_with(*[ValueError("bad")] * 5), "a write", on_retry=hear)
    assert gave_up is not None and gave_up.attempts == 2
    assert [retry.outage for retry in heard] == [False]  # one retry between the two attempts


async def test_a_call_that_is_no_longer_wanted_stops_being_tried_with_nothing_given_up_on() -> None:
    policy = RetryPolicy(attempts=5, backoff_seconds=0.0, max_backoff_seconds=0.01)
    calls: list[int] = []
    wanted = True

    async def rejecting() -> None:
        nonlocal wanted
        calls.append(1)
        if len(calls) == 2:
            wanted = False  # say, the job's partition was revoked during this try
        raise ValueError("bad record")

    assert await policy.attempt(rejecting, "a job", stop=lambda: not wanted) is None
    assert len(calls) == 2  # not the 5 attempts: nothing is dead-lettered for a job moved away


async def test_a_call_no_longer_wanted_is_not_waited_for_through_an_outage() -> None:
    policy = RetryPolicy(attempts=3, backoff_seconds=0.0, max_backoff_seconds=0.01)
    calls: list[int] = []

    async def unreachable() -> None:
        calls.append(1)
        raise ConnectionResetError(errno.ECONNRESET, "reset")

    assert await policy.attempt(unreachable, "a job", stop=lambda: True) is None
    assert len(calls) == 1  # tried once (stop is asked after a failure), then not waited for


async def test_an_error_given_up_on_at_once_is_not_retried_even_when_raised_from_an_outage() -> None:
    class Unsettled(Exception):
        pass

    policy = RetryPolicy(attempts=3, backoff_seconds=0.0, max_backoff_seconds=0.01)
    heard: list[Retry] = []

    async def hear(retry: Retry) -> None:
        heard.append(retry)

    unsettled = Unsettled("the table topics have not settled")
    unsettled.__cause__ = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    call = failing_with(ValueError("bad record"), unsettled)
    gave_up = await policy.attempt(call, "a handler", on_retry=hear, give_up_at_once=(Unsettled,))
    assert gave_up == GaveUp(unsettled, attempts=2)  # the attempt it came in, for the dead letter
    assert len(heard) == 1  # the ValueError's retry, and no more
