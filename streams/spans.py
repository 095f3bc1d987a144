"""An agent's span for each event it works on: the child of the span that sent the event (its
Kafka headers carry the W3C trace context), current while the agent works, so that what the
agent sends carries it on (``streams.app.send``). A no-op when no collector is configured.

A batch agent makes one span per trace for a short window instead (:class:`TraceSpans`): the
segments of one transcription share its trace, and a span each, exported, cost the speech agent
two thirds of its throughput under a backlog (``bench.speech_agent_throughput``, instrumented
against bare: 0.23-0.37 on 2026-12-06); one per trace and batch still 0.51-0.62, the batches of a
backlog over a hundred interviews holding one or two segments of each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import faust
from opentelemetry.context import Context, attach, detach
from opentelemetry.trace import Span, SpanKind, set_span_in_context, use_span

from streams.app import topic_spec_of
from topics.tracing import context_from, context_of, current_trace_headers, trace_headers_passed_on, tracer


@contextmanager
def span_of(event: faust.EventT, agent: str) -> Iterator[Span]:
    with tracer().start_as_current_span(**_consumer_span(event, agent)) as span:
        yield span


def _consumer_span(event: faust.EventT, agent: str) -> dict[str, Any]:
    """What an agent's span of ``event`` is made of: its name, its parent (the trace context the
    event carries) and the event's place in Kafka."""
    message = event.message
    return {
        "name": f"{agent} {topic_spec_of(event)}",
        "context": context_of(message.headers),
        "kind": SpanKind.CONSUMER,
        "attributes": {
            "messaging.system": "kafka",
            "messaging.destination.name": message.topic,
            "messaging.destination.partition.id": str(message.partition),
            "messaging.kafka.offset": message.offset,
        },
    }


@contextmanager
def span_continuing(trace_headers: dict[str, str], name: str) -> Iterator[Span]:
    """A span for work that left its event behind (a queued transcription job), continuing the
    trace its event's headers carried (``topics.tracing.trace_headers_of``)."""
    context = context_from(trace_headers)
    with tracer().start_as_current_span(name, context=context, kind=SpanKind.CONSUMER) as span:
        yield span


@dataclass
class _TraceSpan:
    span: Span
    context: Context
    #: The trace context headers of what is sent on behalf of its events.
    headers: list[tuple[str, bytes]]
    opened: float
    events: int = 0


class TraceSpans:
    """One span per trace (and topic) among the events a batch agent takes, each the child of the
    span that sent them, kept open across batches for ``window`` seconds: the events are worked on
    in their order, each with its trace's span current, and a trace's segments of that long share
    one span. :meth:`end_due` ends the spans whose time is up (call it after each batch and on a
    timer), :meth:`end_all` every span."""

    def __init__(self, agent: str, window: float) -> None:
        self._agent = agent
        self._window = window
        self._spans: dict[tuple[str, tuple[tuple[str, bytes], ...]], _TraceSpan] = {}

    def current(self, event: faust.EventT) -> _Current:
        """Makes ``event``'s trace span current; gives the headers to send on its behalf."""
        message = event.message
        key = (message.topic, tuple(trace_headers_passed_on(message.headers)))
        traced = self._spans.get(key)
        if traced is None:
            span = tracer().start_span(**_consumer_span(event, self._agent))
            with use_span(span):
                traced = _TraceSpan(
                    span, set_span_in_context(span), current_trace_headers(), time.monotonic()
                )
            self._spans[key] = traced
        traced.events += 1
        return _Current(traced)

    def end_due(self) -> None:
        now = time.monotonic()
        for key, traced in list(self._spans.items()):
            if now - traced.opened >= self._window:
                del self._spans[key]
                _end(traced)

    def end_all(self) -> None:
        spans, self._spans = self._spans, {}
        for traced in spans.values():
            _end(traced)


class _Current:
    """``with``: the span current (a hot path: no generator, no exception recording)."""

    __slots__ = ("_token", "_traced")

    def __init__(self, traced: _TraceSpan) -> None:
        self._traced = traced

    def __enter__(self) -> list[tuple[str, bytes]]:
        self._token = attach(self._traced.context)
        return self._traced.headers

    def __exit__(self, *_: object) -> None:
        detach(self._token)


def _end(traced: _TraceSpan) -> None:
    traced.span.set_attribute("messaging.batch.message_count", traced.events)
    traced.span.end()
