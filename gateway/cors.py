"""Cross-origin access for browser clients (a web UI with tus-js-client or Uppy).

Only the origins in ``IB_CORS_ORIGINS`` may call the gateway from a browser. Tokens travel
in the ``Authorization`` header, never in cookies, so credentials mode is not needed. The
tus headers are allowed in requests and exposed in answers: a tus client reads
``Location`` and ``Upload-Offset`` to resume, and browsers hide any header not listed.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "Tus-Resumable",
    "Upload-Length",
    "Upload-Offset",
    "Upload-Metadata",
    "Upload-Defer-Length",
    "Upload-Concat",
    "Upload-Checksum",
    "X-HTTP-Method-Override",
    "X-Filename",
    "X-Request-ID",
    "traceparent",
    "tracestate",
)
EXPOSED_HEADERS = (
    "Location",
    "Upload-Offset",
    "Upload-Length",
    "Tus-Version",
    "Tus-Resumable",
    "Tus-Max-Size",
    "Tus-Extension",
    "Upload-Metadata",
    "Upload-Expires",
    "Upload-Defer-Length",
    "Tus-Checksum-Algorithm",
    "ETag",
    "X-Request-ID",
)
#: How long a browser may reuse a preflight answer: a tus upload sends one PATCH per chunk.
PREFLIGHT_MAX_AGE_SECONDS = 3600


def install_cors(app: FastAPI, origins: list[str]) -> None:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
