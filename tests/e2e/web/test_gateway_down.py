"""The gateway stopped and started again while a user has the app open: the app says plainly
that Interview Buddy cannot be reached and that it is retrying (a page whose code cannot come
says so too), then recovers by itself (the socket signed in again, what failed meanwhile read
again) without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from dev.service_processes import gateway_process, new_prefix, worker_process
from tests.e2e.conftest import Stack
from tests.e2e.web.pages import keep, sign_in, socket_frames, wait_until_live


@pytest.fixture(scope="module")
def own_gateway(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A gateway of this module's own, to stop and start; no worker is needed (nothing is
    analysed here), so its worker is never started."""
    prefix = new_prefix()
    run_dir = tmp_path_factory.mktemp("gateway-down")
    gateway = gateway_process(prefix, run_dir, kafka_bootstrap, database_url)
    gateway.start()
    yield Stack(worker_process(prefix, run_dir, kafka_bootstrap, database_url), gateway)
    gateway.stop()


def test_the_gateway_down_for_a_moment_shows_a_banner_then_the_app_recovers_by_itself(
    own_gateway: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "web-gateway-down"
    with own_gateway.client(user) as api:
        api.post("/interviews", json={"company": "Steady Ltd"}).raise_for_status()
        retention = api.get("/me/settings").json()["retention_days"]
    page = context.new_page()
    frames = socket_frames(page)
    sign_in(page, own_gateway, user)
    wait_until_live(page)
    expect(page.get_by_test_id("interview-row")).to_have_count(1)
    page.get_by_role("link", name="Settings").click()  # its page loaded once, as a user would have
    expect(page.get_by_test_id("retention-days")).to_have_value(str(retention))
    page.get_by_role("link", name="My interviews").click()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    banner = page.get_by_test_id("connection-banner")
    expect(banner).to_have_count(0)

    own_gateway.gateway.stop()
    expect(banner).to_have_text(
        "Interview Buddy cannot be reached; retrying. What you see may be out of date until it is back.",
        timeout=30_000,
    )
    expect(page.get_by_test_id("interview-row")).to_have_count(1)  # what was shown stays
    keep(page, screenshots, "gateway-down")
    page.get_by_role("link", name="Settings").click()  # its data cannot come now
    expect(page.get_by_role("alert").filter(has_text="The server cannot be reached")).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("link", name="New interview").click()  # a page never loaded before: its code cannot come
    expect(page.get_by_test_id("page-failed")).to_contain_text("could not be loaded", timeout=30_000)
    keep(page, screenshots, "page-not-loaded")
    page.get_by_role("link", name="Settings").click()
    ready_before = sum('"ready"' in frame for frame in frames)

    own_gateway.gateway.start()
    expect(banner).to_have_count(0, timeout=60_000)
    wait_until_live(page)
    assert sum('"ready"' in frame for frame in frames) == ready_before + 1, "the socket signed in again"
    expect(page.get_by_test_id("retention-days")).to_have_value(str(retention))  # read again by itself
    expect(page.get_by_role("alert").filter(has_text="The server cannot be reached")).to_have_count(0)
    assert page.evaluate("window.sameDocument === true"), "recovered without a reload"

    page.get_by_role("link", name="New interview").click()  # the page that could not be loaded
    page.get_by_role("button", name="Load the page again").click()
    expect(page.get_by_role("heading", name="New interview")).to_be_visible()
