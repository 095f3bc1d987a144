"""The browser app (``web/``, built by ``make web`` into ``web/dist``) served at ``/``, on the
API's own origin.

The app never shadows the API: it answers only what no API route matches. Its hashed bundles
are served from ``/assets/`` (cached for a year: a new build has new names), and ``index.html``
answers ``GET`` of the app's own pages (:data:`APP_PAGES`, the routes of
``web/src/app/App.tsx``), so they survive a reload. Any other path is the API's 404.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

#: Vite writes content-hashed names here: a file's bytes never change under its name.
ASSETS = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
#: ``index.html`` names the current bundles: the browser asks again every time.
REVALIDATE = "no-cache"
#: The first path segment of each page of the app (``web/src/app/App.tsx``: ``/``, ``/sign-in``,
#: ``/new``, ``/review/<id>``, ``/prep/...``, ``/progress``, ``/settings``);
#: tests/unit/test_gateway_web_app.py holds the two together.
APP_PAGES = frozenset({"", "sign-in", "new", "review", "prep", "progress", "settings"})
#: API paths that may not be routes of the app object when the app is mounted: the WebSocket
#: (its own router) and the dev sign-in (only in development).
API_ONLY = frozenset({"ws", "auth", "docs", "redoc", "openapi.json", ASSETS})

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Interview Buddy</title></head>
<body><main><h1>Interview Buddy</h1>
<p>The web app is not built yet. Build it with <code>make web</code> (npm ci and vite build in
<code>web/</code>), then reload this page.</p>
<p>The API is here all the same: see <a href="/docs">/docs</a>.</p></main></body></html>
"""


class HashedAssets(StaticFiles):
    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response

    async def check_config(self) -> None:
        # Not built yet (or being rebuilt): a missing file is a 404, not a 500.
        return None


def first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


class WebAppFallback:
    """The router's answer when no route matches: the app for a page of its own, else 404."""

    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = dist_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=404)
        path = scope["path"]
        top_level = self.top_level_file(path)
        if first_segment(path) not in APP_PAGES and top_level is None:
            raise HTTPException(status_code=404)
        response = self.response_for(path)
        await response(scope, receive, send)

    def response_for(self, path: str) -> Response:
        index = self.dist_dir / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, headers={"Cache-Control": REVALIDATE})
        top_level = self.top_level_file(path)
        if top_level is not None:
            return FileResponse(top_level, headers={"Cache-Control": REVALIDATE})
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": REVALIDATE})

    def top_level_file(self, path: str) -> Path | None:
        """A file Vite copied to the top of ``dist`` (``favicon.svg``), by its plain name only."""
        name = path.lstrip("/")
        if not name or "/" in name or name.startswith(".") or name == "index.html":
            return None
        candidate = self.dist_dir / name
        return candidate if candidate.is_file() else None


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (their paths carry the routers' prefixes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from api_routes(included.routes) if included is not None else (route,)


def mount_web_app(app: FastAPI, dist_dir: Path) -> None:
    """Serve the built app; call it after every API router is included, so API paths win."""
    api_segments = {first_segment(getattr(route, "path", "")) for route in api_routes(app.routes)}
    shared = (api_segments | API_ONLY) & APP_PAGES
    if shared:
        raise RuntimeError(f"the web app's pages would share paths with the API: {sorted(shared)}")
    app.router.routes.append(
        Mount(f"/{ASSETS}", app=HashedAssets(directory=dist_dir / ASSETS, check_dir=False), name=ASSETS)
    )
    app.router.default = WebAppFallback(dist_dir)
