"""An OpenTelemetry collector's OTLP/HTTP trace endpoint (``dev.otlp_receiver``) keeping every
span it is sent: the real OTLP exporter of the worker and the gateway processes sends to it as
it would to Jaeger's 4318."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from dev.otlp_receiver import OtlpReceiver


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    #: Empty for a trace's root span.
    parent_span_id: str


class OtlpCollector(OtlpReceiver):
    def __init__(self) -> None:
        super().__init__(lambda body: self.receive(ExportTraceServiceRequest.FromString(body)))
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()

    def receive(self, request: ExportTraceServiceRequest) -> None:
        with self._lock:
            for resource_spans in request.resource_spans:
                resource = resource_spans.resource
                attributes = {item.key: item.value.string_value for item in resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append(
                            ReceivedSpan(
                                service=attributes.get("service.name", ""),
                                name=span.name,
                                trace_id=span.trace_id.hex(),
                                span_id=span.span_id.hex(),
                                parent_span_id=span.parent_span_id.hex(),
                            )
                        )

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self._lock:
            return [span for span in self.spans if span.trace_id == trace_id]
