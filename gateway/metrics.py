"""The gateway's Prometheus metrics (served at ``/metrics``): requests, their latency and their
errors per route, labelled by the route's template (``/interviews/{interview_id}``, never an
id, so the series stay few), and the bytes and durations of resumable uploads."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "ib_http_requests_total", "Requests answered, by method, route and status", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "ib_http_request_seconds",
    "Time from a request's arrival to the end of its answer, by method and route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120),
)
UPLOAD_BYTES = Counter("ib_upload_bytes_total", "Recording bytes received by resumable uploads")
UPLOADS_COMPLETED = Counter("ib_uploads_completed_total", "Resumable uploads completed and handed on")
UPLOAD_SECONDS = Histogram(
    "ib_upload_seconds",
    "Time from an upload's creation to its completion (pauses and resumptions included)",
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600),
)
#: The route label of a request no route took (a 404 for an unknown path).
UNMATCHED = "unmatched"


def route_of(scope: Scope) -> str:
    """The template of the route that took the request, as the router left it in the scope."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else UNMATCHED


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises before it starts an answer

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            route, method = route_of(scope), scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            REQUEST_SECONDS.labels(method, route).observe(time.perf_counter() - started)
