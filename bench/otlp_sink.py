"""An OTLP/HTTP trace endpoint on loopback that takes every export and keeps only its size: the
collector a bench's worker exports its spans to (``OTEL_EXPORTER_OTLP_ENDPOINT``), as a deployed
worker exports to Jaeger's 4318, with next to nothing spent receiving them on this machine."""

from __future__ import annotations

import threading

from dev.otlp_receiver import OtlpReceiver


class OtlpSink(OtlpReceiver):
    def __init__(self) -> None:
        super().__init__(self.took)
        self.exports = 0
        self.received_bytes = 0
        self._lock = threading.Lock()

    def took(self, body: bytes) -> None:
        with self._lock:
            self.exports += 1
            self.received_bytes += len(body)
