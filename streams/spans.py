"""An agent's span for each event it works on: the child of the span that sent the event (its
Kafka headers carry the W3C trace context), current while the agent works, so that what the
agent sends carries it on (``streams.app.send``). A no-op when no collector is configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import faust
from opentelemetry.trace import Span, SpanKind

from streams.app import topic_spec_of
from topics.tracing import context_from, context_of, tracer


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
