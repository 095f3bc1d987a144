"""What the browser tests of the web app do on its pages: sign in, keep a screenshot checked by
axe-core, throttle the connection, follow an upload, wait for an analysis, read what a download
link saves."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import CDPSession, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import REPO_ROOT, Stack, account

CHROMIUM = Path("/usr/bin/chromium")
WEB_INDEX = REPO_ROOT / "web" / "dist" / "index.html"
#: axe-core from the app's own dev dependencies (``make web`` installs them).
AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


def keep(page: Page, screenshots: Path, name: str) -> None:
    """A screenshot of the page, and no serious or critical accessibility violation on it (axe-core)."""
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    page.add_script_tag(path=AXE)
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter((violation) => ["serious", "critical"].includes(violation.impact))
            .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length} elements)`)"""
    )
    assert violations == [], f"{name}: {violations}"


def throttle(network: CDPSession, bytes_per_second: int) -> None:
    """The page's uploads at ``bytes_per_second`` (-1: as fast as it goes)."""
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second},
    )


def wait_for_upload_to_reach(page: Page, percent: int) -> None:
    deadline = time.monotonic() + 60
    while upload_percent(page) < percent:
        assert time.monotonic() < deadline, (
            f"the upload did not move: {page.get_by_test_id('upload-progress').inner_text()}"
        )
        page.wait_for_timeout(200)


def sign_in(page: Page, stack: Stack, user: str) -> None:
    page.goto(stack.gateway.url + "/")
    page.get_by_test_id("dev-user").fill(account(user))
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()


def upload_percent(page: Page) -> int:
    match = re.match(r"\D*(\d+) %", page.get_by_test_id("upload-progress").inner_text())
    return int(match.group(1)) if match else 0


def wait_for_analysis(api: httpx.Client, interview_id: str, timeout_seconds: float = 600) -> None:
    """Until the pipeline has analysed the interview (its status says COMPLETED)."""
    deadline = time.monotonic() + timeout_seconds
    while (status := api.get(f"/interviews/{interview_id}/status").json())["status"] != "COMPLETED":
        assert status["status"] != "FAILED", status
        assert time.monotonic() < deadline, f"not analysed in {timeout_seconds} s: {status}"
        time.sleep(1)


def saved_bytes(page: Page, test_id: str) -> bytes:
    """What a download link of the page saves, read in the page. (Playwright's download event does
    not fire for blob: links with Debian's Chromium 156 here.)"""
    link = page.get_by_test_id(test_id)
    expect(link).to_have_attribute("href", re.compile("^blob:"))
    numbers = page.evaluate(
        """href => fetch(href).then(answer => answer.arrayBuffer())
            .then(body => Array.from(new Uint8Array(body)))""",
        link.get_attribute("href"),
    )
    return bytes(numbers)


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF (it fails unless the PDF opens)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
