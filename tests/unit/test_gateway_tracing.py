"""W3C trace context parsing, request ids, ETags and the CORS origins setting, without services."""

from __future__ import annotations

import re

import pytest

from gateway.etags import etag_for, versions_in_if_match
from gateway.settings import DEV_CORS_ORIGINS, Settings
from gateway.tracing import context_for, current_context, parse_traceparent

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
VALID = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def test_a_valid_traceparent_gives_its_trace_id_and_flags() -> None:
    assert parse_traceparent(VALID) == (TRACE_ID, "01")
    assert parse_traceparent(VALID.upper()) == (TRACE_ID, "01")
    # A later version may add fields; its first four are read.
    assert parse_traceparent(f"01-{TRACE_ID}-00f067aa0ba902b7-00-extra") == (TRACE_ID, "00")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        f"00-{'0' * 32}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-{'0' * 16}-01",
        f"ff-{TRACE_ID}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-00f067aa0ba902b7-01-extra",
        f"00-{TRACE_ID[:-1]}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-00f067aa0ba902b7",
        "garbage",
    ],
)
def test_an_invalid_traceparent_is_ignored(value: str | None) -> None:
    assert parse_traceparent(value) is None


def test_the_callers_trace_continues_in_a_span_of_our_own() -> None:
    context = context_for(VALID, "a=1", "req-1")
    assert (context.trace_id, context.flags, context.tracestate, context.request_id) == (
        TRACE_ID,
        "01",
        "a=1",
        "req-1",
    )
    assert context.span_id != "00f067aa0ba902b7"
    assert context.traceparent == f"00-{TRACE_ID}-{context.span_id}-01"
    assert dict(context.headers()) == {
        "traceparent": context.traceparent.encode(),
        "tracestate": b"a=1",
        "x-request-id": b"req-1",
    }


def test_without_a_valid_traceparent_a_new_sampled_trace_starts_and_tracestate_is_dropped() -> None:
    first, second = context_for(None, "a=1", None), context_for("bad", None, None)
    assert first.trace_id != second.trace_id
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", first.traceparent)
    assert first.tracestate is None
    assert "tracestate" not in dict(first.headers())


@pytest.mark.parametrize("request_id", ["", "has space", "x" * 129, "new\nline"])
def test_an_unusable_request_id_is_replaced(request_id: str) -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", context_for(None, None, request_id).request_id)


def test_outside_a_request_events_get_a_new_trace() -> None:
    assert current_context().trace_id != current_context().trace_id


@pytest.mark.parametrize(
    ("if_match", "versions"),
    [('"3"', [3]), ("*", None), ('"1", "4"', [1, 4]), ('W/"3"', []), ("3", []), ('"x"', []), ("", [])],
)
def test_if_match_accepts_our_strong_etags_only(if_match: str, versions: list[int] | None) -> None:
    assert versions_in_if_match(if_match) == versions
    assert etag_for(3) == '"3"'


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("https://a.example, https://b.example/", ["https://a.example", "https://b.example"]),
        ('["https://a.example"]', ["https://a.example"]),
        ("*", ["*"]),
        ("", []),
    ],
)
def test_cors_origins_come_comma_separated_or_as_json(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    monkeypatch.setenv("IB_CORS_ORIGINS", value)
    assert Settings().cors_origins == origins


def test_by_default_only_a_local_web_ui_may_call_from_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IB_CORS_ORIGINS", raising=False)
    assert Settings().cors_origins == list(DEV_CORS_ORIGINS)
