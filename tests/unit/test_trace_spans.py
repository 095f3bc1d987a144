"""A batch agent's spans: one per trace among its events for a window of time, each below the
span that sent them, and what is sent on an event's behalf carries its trace's span
(``streams/spans.py``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import get_current_span

import streams.spans
from streams.app import channel
from streams.spans import TraceSpans
from topics.catalog import TRANSCRIPT_SEGMENTS

SENDERS = {"a": ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), "b": ("a" * 32, "b" * 16)}


def event(sender: str, offset: int) -> Any:
    trace_id, span_id = SENDERS[sender]
    message = SimpleNamespace(
        key=f"interview-{sender}".encode(),
        partition=0,
        offset=offset,
        topic=channel(TRANSCRIPT_SEGMENTS).get_topic_name(),
        headers=[("traceparent", f"00-{trace_id}-{span_id}-01".encode()), ("x-request-id", b"r-1")],
    )
    return SimpleNamespace(message=message)


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(streams.spans, "tracer", lambda: provider.get_tracer("tests"))
    return exporter


def test_one_span_per_trace_across_batches_each_below_its_sender(exported: InMemorySpanExporter) -> None:
    spans = TraceSpans("measure_speech", window=3600)
    sent: list[tuple[str, str, list[tuple[str, bytes]]]] = []
    for batch in ("aba", "ba"):
        for offset, sender in enumerate(batch):
            with spans.current(event(sender, offset)) as headers:
                current = get_current_span().get_span_context()
                sent.append((sender, f"{current.span_id:016x}", headers))
        spans.end_due()
    assert exported.get_finished_spans() == ()  # open until their window is over
    spans.end_all()

    finished = {f"{span.context.trace_id:032x}": span for span in exported.get_finished_spans()}
    assert sorted(finished) == sorted(trace_id for trace_id, _ in SENDERS.values())
    for sender, (trace_id, sender_span_id) in SENDERS.items():
        span = finished[trace_id]
        assert span.name == "measure_speech transcript.segments"
        assert span.parent is not None and f"{span.parent.span_id:016x}" == sender_span_id
        assert span.attributes is not None
        assert span.attributes["messaging.batch.message_count"] == "ababa".count(sender)
        own = f"{span.context.span_id:016x}"
        for who, current_span_id, headers in sent:
            if who == sender:
                assert current_span_id == own
                assert headers == [("traceparent", f"00-{trace_id}-{own}-01".encode())]
    assert get_current_span().get_span_context().is_valid is False  # nothing left current


def test_a_span_whose_window_is_over_ends_and_the_next_event_opens_another(
    exported: InMemorySpanExporter,
) -> None:
    spans = TraceSpans("measure_speech", window=0)
    for offset in range(2):
        with spans.current(event("a", offset)):
            pass
        spans.end_due()
    first, second = exported.get_finished_spans()
    assert (
        first.context.trace_id == second.context.trace_id and first.context.span_id != second.context.span_id
    )
    assert [span.attributes["messaging.batch.message_count"] for span in (first, second)] == [1, 1]  # type: ignore[index]
