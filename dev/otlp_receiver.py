"""An OTLP/HTTP trace endpoint on loopback (``POST /v1/traces``): what the worker and the gateway
export their spans to, as a deployed one exports to Jaeger's 4318. Each export's body (gzip
undone) goes to the ``on_export`` it was given; the answer is an empty
``ExportTraceServiceResponse``, every span taken. Tests parse the spans they are sent
(``tests/fakes/otlp_collector.py``); benches only count them (``bench/otlp_sink.py``).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

TRACES_PATH = "/v1/traces"
#: An empty ``ExportTraceServiceResponse`` serialises to no bytes at all.
_ACCEPTED = b""


class OtlpReceiver:
    """Serves from ``__enter__`` to ``__exit__``; ``on_export`` runs on the server's threads."""

    def __init__(self, on_export: Callable[[bytes], None]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path != TRACES_PATH:
                    self.send_error(404)
                    return
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                on_export(body)
                self.send_response(200)
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
        """The base URL for ``OTEL_EXPORTER_OTLP_ENDPOINT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
