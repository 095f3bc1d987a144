"""OpenTelemetry traces across the flow: every process continues the W3C trace context that
rides in each Kafka record's headers (``traceparent``, ``tracestate``), so one upload makes
one connected trace with a span per stage.

Spans are exported only when the process is pointed at a collector by OpenTelemetry's own
variables (``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, OTLP over
HTTP, e.g. Jaeger's 4318); otherwise the API's no-op tracer costs next to nothing and the
headers still carry the caller's context along.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter

TRACER_NAME = "interview-buddy"
TRACE_HEADERS = ("traceparent", "tracestate")
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

_exporting = False

#: Kafka headers as aiokafka and Faust give them: pairs, or a mapping.
Headers = Iterable[tuple[str, bytes | None]] | Mapping[str, bytes | None] | None


def configure_tracing(service_name: str) -> bool:
    """Install a tracer provider exporting over OTLP/HTTP when a collector is configured;
    returns whether one is. Call once, at a process's start."""
    if not any(os.environ.get(variable) for variable in _ENDPOINT_VARIABLES):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    global _exporting
    _exporting = True
    return True


def exporting() -> bool:
    """Whether spans go anywhere: a hot path may skip making them, and pass the trace context on
    as it came (:func:`trace_headers_passed_on`)."""
    return _exporting


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


class _KafkaHeaders(Getter[dict[str, str]]):
    def get(self, carrier: dict[str, str], key: str) -> list[str] | None:
        value = carrier.get(key.lower())
        return None if value is None else [value]

    def keys(self, carrier: dict[str, str]) -> list[str]:
        return list(carrier)


def trace_headers_passed_on(headers: Headers) -> list[tuple[str, bytes]]:
    """A record's trace context headers as they are, for what is sent on its behalf."""
    pairs = headers.items() if isinstance(headers, Mapping) else (headers or ())
    return [(name, value) for name, value in pairs if name.lower() in TRACE_HEADERS and value is not None]


def trace_headers_of(headers: Headers) -> dict[str, str]:
    """The trace context headers among a record's headers, as text."""
    return {name.lower(): value.decode(errors="replace") for name, value in trace_headers_passed_on(headers)}


def context_of(headers: Headers) -> Context:
    """The trace context a record carries (an empty one when it carries none)."""
    return context_from(trace_headers_of(headers))


def context_from(trace_headers: dict[str, str]) -> Context:
    """The trace context that :func:`trace_headers_of` headers name."""
    return propagate.extract(trace_headers, getter=_KafkaHeaders())


def current_trace_headers() -> list[tuple[str, bytes]]:
    """Headers carrying the current span's context, for a record sent now."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(name, value.encode()) for name, value in carrier.items() if name in TRACE_HEADERS]
