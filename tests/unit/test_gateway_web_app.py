"""The built web app served at ``/``: its pages and hashed assets, and never an API path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.main import create_app
from gateway.settings import Settings
from gateway.web_app import APP_PAGES, IMMUTABLE, REVALIDATE, first_segment

APP_ROUTES = Path(__file__).resolve().parents[2] / "web" / "src" / "app" / "App.tsx"

INDEX = (
    "<!doctype html><html><body><div id=root></div><script src=/assets/index-abc1.js></script></body></html>"
)


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return dist


def client_for(dist: Path) -> TestClient:
    # No lifespan: none of these paths needs Kafka or PostgreSQL.
    return TestClient(create_app(Settings(run_dir=dist.parent / "run", web_dist_dir=dist)))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sign-in",
        "/new",
        "/review/3f2a",
        "/review/3f2a/transcript",
        "/review/3f2a/comparison",
        "/prep",
        "/prep/3f2a/questions/b-proud",
        "/progress",
        "/settings",
    ],
)
def test_the_app_answers_its_own_pages_with_its_index(dist: Path, path: str) -> None:
    response = client_for(dist).get(path)

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == REVALIDATE


def test_the_gateway_knows_every_page_the_app_routes() -> None:
    paths = re.findall(r'<Route path="([^"]+)"', APP_ROUTES.read_text())
    pages = {first_segment(path) for path in paths if path != "*"}

    assert pages == APP_PAGES, "gateway/web_app.py's APP_PAGES must name the pages of web/src/app/App.tsx"


def test_a_path_that_is_neither_a_page_nor_the_api_is_a_404(dist: Path) -> None:
    response = client_for(dist).get("/no-such-thing")

    assert response.status_code == 404
    assert "/docs" in response.json()["error"]["message"]


def test_hashed_assets_are_cached_for_good(dist: Path) -> None:
    response = client_for(dist).get("/assets/index-abc123.js")

    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert response.headers["cache-control"] == IMMUTABLE


def test_a_missing_asset_is_a_404_not_the_index(dist: Path) -> None:
    response = client_for(dist).get("/assets/index-gone.js")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_a_file_at_the_top_of_the_build_is_served_by_its_name(dist: Path) -> None:
    response = client_for(dist).get("/favicon.svg")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg")


@pytest.mark.parametrize(
    "path",
    [
        "/interviews/3f2a/nothing-here",
        "/uploads/x/y/z",
        "/prep-sessions/a/b/c/d/e",
        "/practice/nothing",
        "/me/nothing",
        "/healthz/nothing",
        "/ws",
        "/auth/nothing",
        "/docs/nothing",
    ],
)
def test_an_unknown_api_path_is_the_apis_404_never_the_app(dist: Path, path: str) -> None:
    response = client_for(dist).get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "kind"), [("/openapi.json", "application/json"), ("/metrics", "text/plain")]
)
def test_api_paths_win_over_the_app(dist: Path, path: str, kind: str) -> None:
    response = client_for(dist).get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)


def test_a_method_the_api_path_does_not_take_is_still_405(dist: Path) -> None:
    response = client_for(dist).post("/interviews/3f2a/status")

    assert response.status_code == 405


def test_only_get_reaches_the_app(dist: Path) -> None:
    assert client_for(dist).post("/sign-in").status_code == 404


def test_before_the_build_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    response = client_for(tmp_path / "no-dist").get("/")

    assert response.status_code == 200
    assert "make web" in response.text
    assert client_for(tmp_path / "no-dist").get("/assets/index-abc123.js").status_code == 404
