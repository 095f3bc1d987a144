"""The gateway's FastAPI app: routers, middleware, error handling and the services' lifespan."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.cors import install_cors
from gateway.errors import install_error_handler
from gateway.live import socket as live_socket
from gateway.live.openapi import document_live_messages
from gateway.method_override import MethodOverrideMiddleware
from gateway.metrics import HttpMetricsMiddleware
from gateway.protocol_headers import document_protocol_headers
from gateway.routes import (
    health,
    interviews,
    me,
    prep,
    prep_comparison,
    progress,
    recordings,
    results,
    sign_in,
)
from gateway.server_timing import ServerTimingMiddleware
from gateway.services import make_lifespan
from gateway.settings import Settings
from gateway.tracing import TraceContextMiddleware
from gateway.tus import router as tus_router
from gateway.web_app import mount_web_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Interview Buddy",
        summary="Upload interview recordings and get feedback on them.",
        lifespan=make_lifespan(settings),
    )
    install_error_handler(app)
    for module in (health, interviews, recordings, results, me, progress):
        app.include_router(module.router)
    app.include_router(prep.router)
    app.include_router(prep.practice_router)
    app.include_router(prep_comparison.router)
    app.include_router(tus_router.router)
    app.include_router(live_socket.router)
    app.include_router(sign_in.router)
    document_live_messages(app)
    document_protocol_headers(app)
    if settings.dev_sign_in_enabled:
        app.include_router(sign_in.dev_router)
    # The last added runs first: the metrics and the server timing around everything, then the
    # trace context (preflights get a request id too), CORS before the method override so a
    # preflight is never rewritten.
    app.add_middleware(MethodOverrideMiddleware)
    install_cors(app, settings.cors_origins)
    app.add_middleware(TraceContextMiddleware)
    app.add_middleware(ServerTimingMiddleware)
    app.add_middleware(HttpMetricsMiddleware)
    # Last, after every API router: the app answers only paths no API route takes.
    mount_web_app(app, settings.web_dist_dir)
    return app
