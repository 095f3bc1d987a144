"""W3C trace context (https://www.w3.org/TR/trace-context/) and request ids for the gateway's events.

Each request runs in a trace: the caller's, when it sent a valid ``traceparent``, else a new
one. The gateway's work on the request is a span of its own (a fresh parent-id), and the
events it publishes carry that span's ``traceparent`` (and the caller's ``tracestate``) in
their Kafka headers, with the request's id, so a worker's logs line up with the request.

:class:`TraceContextMiddleware` puts the context in a context variable for the request's
duration; :func:`event_headers` reads it where an event is published. When OpenTelemetry
exports spans (``topics.tracing.configure_tracing``), the request's span is an OpenTelemetry
span, and the ids the events carry are its own.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from topics.tracing import tracer

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
REQUEST_ID = "x-request-id"

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: The spec allows up to 32 list members; longer values may be dropped, never truncated mid-member.
_MAX_TRACESTATE_CHARS = 512


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str
    tracestate: str | None
    request_id: str

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka record headers."""
        headers = [(TRACEPARENT, self.traceparent.encode())]
        if self.tracestate:
            headers.append((TRACESTATE, self.tracestate.encode()))
        headers.append((REQUEST_ID, self.request_id.encode()))
        return headers


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """``(trace_id, flags)`` of a valid ``traceparent``; None when absent or invalid."""
    if value is None:
        return None
    match = _TRACEPARENT.fullmatch(value.strip().lower())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    # Version ff is forbidden; version 00 has exactly four fields; all-zero ids are invalid.
    if version == "ff" or (version == "00" and rest) or set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    return trace_id, flags


def new_span_id() -> str:
    while (span_id := secrets.token_hex(8)) == "0" * 16:
        pass
    return span_id


def new_trace_id() -> str:
    while (trace_id := secrets.token_hex(16)) == "0" * 32:
        pass
    return trace_id


def context_for(traceparent: str | None, tracestate: str | None, request_id: str | None) -> TraceContext:
    """The context of a request with these headers: the caller's trace continued, or a new one."""
    parsed = parse_traceparent(traceparent)
    if request_id is None or not _REQUEST_ID.fullmatch(request_id):
        request_id = uuid.uuid4().hex
    if parsed is None:
        # Without a valid traceparent the tracestate means nothing (the spec says drop it).
        return TraceContext(new_trace_id(), new_span_id(), "01", None, request_id)
    trace_id, flags = parsed
    state = (tracestate or "").strip()
    if not state or len(state) > _MAX_TRACESTATE_CHARS or not state.isprintable():
        state = ""
    return TraceContext(trace_id, new_span_id(), flags, state or None, request_id)


_current: ContextVar[TraceContext | None] = ContextVar("ib_trace_context", default=None)


def current_context() -> TraceContext:
    """The running request's trace context; a new trace outside any request."""
    return _current.get() or context_for(None, None, None)


def request_trace_ids() -> tuple[str, str] | None:
    """The running request's trace and span ids, for its log lines; None outside a request."""
    context = _current.get()
    return None if context is None else (context.trace_id, context.span_id)


def event_headers() -> list[tuple[str, bytes]]:
    return current_context().headers()


def start_span(
    name: str, caller: dict[str, str], context: TraceContext, kind: SpanKind
) -> tuple[TraceContext, Span]:
    """An OpenTelemetry span, the child of the span the ``caller`` headers name (a new trace
    without one); when spans are recorded, ``context`` takes the span's ids, so the events
    published in it name this span as their parent."""
    span = tracer().start_span(name, context=propagate.extract(caller), kind=kind)
    if span.is_recording():
        ids = span.get_span_context()
        context = replace(context, trace_id=f"{ids.trace_id:032x}", span_id=f"{ids.span_id:016x}")
    return context, span


@contextmanager
def background_trace(request_id_prefix: str) -> Iterator[TraceContext]:
    """A new trace for work no request started (a sweeper's), current inside the block: the
    events published there carry it, and its request id starts with ``request_id_prefix``."""
    context, span = start_span(
        request_id_prefix.rstrip("-"),
        {},
        context_for(None, None, f"{request_id_prefix}{uuid.uuid4().hex}"),
        SpanKind.INTERNAL,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
        span.end()


class TraceContextMiddleware:
    """Sets the request's trace context and answers with its ``X-Request-ID``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            # A header sent twice is one comma-separated list (tracestate may be split so).
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        context = context_for(headers.get(TRACEPARENT), headers.get(TRACESTATE), headers.get(REQUEST_ID))
        caller = {name: headers[name] for name in (TRACEPARENT, TRACESTATE) if name in headers}
        context, span = start_span(scope["method"], caller, context, SpanKind.SERVER)

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = context.request_id
                span.set_attribute("http.response.status_code", message["status"])
                if message["status"] >= 500:
                    span.set_status(Status(StatusCode.ERROR))
            await send(message)

        token = _current.set(context)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            _current.reset(token)
            route = scope.get("route")
            span.update_name(f"{scope['method']} {getattr(route, 'path', None) or scope['path']}")
            span.end()
