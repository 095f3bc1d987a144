"""The browser of the web app's tests: Debian's headless Chromium driven by playwright, against a
worker and a gateway of the session's own (``stack``), the gateway serving the built app
(``make web``). A screenshot of each page is kept under the test session's tmp folder
(``web-screenshots``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from dev import synthesize
from tests.e2e.web.pages import AXE, CHROMIUM, WEB_INDEX


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module-scoped: playwright's sync API runs an event loop of its own in this thread while it
    # is open, and the asyncio tests that come after this module need the thread to themselves.
    # A missing browser or build is a failure, never a skip: `make test` installs and builds both.
    assert CHROMIUM.exists() or shutil.which("chromium"), "chromium is missing: run `make system-deps`"
    assert WEB_INDEX.exists(), f"{WEB_INDEX} is missing: run `make web`"
    assert AXE.exists(), f"{AXE} is missing: run `make web`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-screenshots")


@pytest.fixture
def context(browser: Browser, tmp_path: Path) -> Iterator[BrowserContext]:
    opened = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize.make_sample(tmp_path_factory.mktemp("web-sample") / "web_interview.wav")
