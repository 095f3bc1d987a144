"""An agent's span for each event it works on: the child of the span that sent the event (its
Kafka headers carry the W3C trace context), current while the agent works, so that what the
agent sends carries it on (``streams.app.send``). A no-op when no collector is configured.

A batch agent makes one span per trace among its batch's events instead (:class:`BatchSpans`):
the segments of one transcription share its trace, and a span each, exported, cost the speech
agent two thirds of its throughput when a backlog makes batches of hundreds
(``bench.speech_agent_throughput``, instrumented against bare: 0.23-0.37 on 2026-12-06)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import faust
from opentelemetry.trace import Span, SpanKind, use_span

from streams.app import topic_spec_of
from topics.tracing import context_from, context_of, current_trace_headers, trace_headers_passed_on, tracer


@contextmanager
def span_of(event: faust.EventT, agent: str) -> Iterator[Span]:
    message = event.message
    with tracer().start_as_current_span(
        f"{agent} {topic_spec_of(event)}",
        context=context_of(message.headers),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "kafka",
            "messaging.destination.name": message.topic,
            "messaging.destination.partition.id": str(message.partition),
            "messaging.kafka.offset": message.offset,
        },
    ) as span:
        yield span


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
    #: The trace context headers of what is sent on behalf of its events.
    headers: list[tuple[str, bytes]]
    events: int = 0


class BatchSpans:
    """One span per trace (and topic) among a batch's events, each the child of the span that
    sent them, opened at its trace's first event and ended with :meth:`end`; the events are
    worked on in their order, each with its trace's span current."""

    def __init__(self, agent: str) -> None:
        self._agent = agent
        self._spans: dict[tuple[str, tuple[tuple[str, bytes], ...]], _TraceSpan] = {}

    @contextmanager
    def current(self, event: faust.EventT) -> Iterator[list[tuple[str, bytes]]]:
        """Makes ``event``'s trace span current; yields the headers to send on its behalf."""
        message = event.message
        key = (message.topic, tuple(trace_headers_passed_on(message.headers)))
        traced = self._spans.get(key)
        if traced is None:
            span = tracer().start_span(
                f"{self._agent} {topic_spec_of(event)}",
                context=context_of(message.headers),
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": message.topic,
                    "messaging.destination.partition.id": str(message.partition),
                    "messaging.kafka.offset": message.offset,
                },
            )
            with use_span(span):
                traced = self._spans[key] = _TraceSpan(span, current_trace_headers())
        traced.events += 1
        with use_span(traced.span):
            yield traced.headers

    def end(self) -> None:
        for traced in self._spans.values():
            traced.span.set_attribute("messaging.batch.message_count", traced.events)
            traced.span.end()
        self._spans.clear()
