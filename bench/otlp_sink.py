"""An OTLP/HTTP trace endpoint on loopback that takes every export and keeps only its size: the
collector a bench's worker exports its spans to (``OTEL_EXPORTER_OTLP_ENDPOINT``), as a deployed
worker exports to Jaeger's 4318, with next to nothing spent receiving them on this machine."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: An empty ``ExportTraceServiceResponse``: every span taken.
_ACCEPTED = b""


class OtlpSink:
    def __init__(self) -> None:
        self.exports = 0
        self.received_bytes = 0
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = len(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                if self.path == "/v1/traces":
                    sink.took(size)
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(_ACCEPTED)))
                self.end_headers()
                self.wfile.write(_ACCEPTED)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def took(self, size: int) -> None:
        with self._lock:
            self.exports += 1
            self.received_bytes += size

    def __enter__(self) -> OtlpSink:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
