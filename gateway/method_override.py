"""``X-HTTP-Method-Override`` for tus uploads, as tus-js-client's ``overridePatchMethod`` sends it.

Some proxies and old browsers drop PATCH and DELETE; a tus client then sends POST with the
real method in this header. Only POSTs to one upload (``/uploads/{id}``) are rewritten, so
no other route can be reached under another method.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

OVERRIDABLE = frozenset({"PATCH", "DELETE"})
_HEADER = b"x-http-method-override"


class MethodOverrideMiddleware:
    def __init__(self, app: ASGIApp, path_prefix: str = "/uploads/") -> None:
        self.app = app
        self.path_prefix = path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].startswith(self.path_prefix)
            and scope["path"] != self.path_prefix
        ):
            override = dict(scope["headers"]).get(_HEADER, b"").decode("latin-1").strip().upper()
            if override in OVERRIDABLE:
                scope = {**scope, "method": override}
        await self.app(scope, receive, send)
