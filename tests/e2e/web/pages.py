"""What the browser tests of the web app do on its pages: sign in, keep a screenshot checked by
axe-core, throttle the connection, follow an upload, move by keyboard, practise a prep question,
wait for an analysis, read what a download link saves."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, CDPSession, Locator, Page, expect
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


def start_throttled_upload(
    page: Page, context: BrowserContext, recording: Path, company: str, bytes_per_second: int
) -> CDPSession:
    """On the new interview page: ``recording`` for ``company``, uploading at ``bytes_per_second``;
    the CDP session that throttles it."""
    page.get_by_test_id("company").fill(company)
    page.get_by_test_id("recording-file").set_input_files(recording)
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    throttle(network, bytes_per_second)
    page.get_by_test_id("start-upload").click()
    return network


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


def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user gets there."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reached by Tab in {most} presses")


def open_prep_session(page: Page, stack: Stack, prep_session_id: str) -> None:
    page.goto(f"{stack.gateway.url}/prep/{prep_session_id}")
    expect(page.get_by_test_id("prep-question").first).to_be_visible()


def practise(page: Page, question_text: str, answer: str) -> None:
    """On a prep session's page: open ``question_text``, send ``answer`` and wait for its feedback."""
    page.get_by_test_id("prep-question").filter(has_text=question_text).get_by_test_id("practise").click()
    attempts = page.get_by_test_id("attempt")
    before = attempts.count()
    page.get_by_test_id("answer").fill(answer)
    page.get_by_test_id("send-answer").click()
    expect(attempts).to_have_count(before + 1)


def expect_feedback_as_the_api_gave_it(attempt: Locator, feedback: dict[str, Any]) -> None:
    """The feedback shown in one attempt of the chat is what the API answered for it."""
    found = attempt.get_by_test_id("star-found")
    expect(found).to_have_count(len(feedback["star_present"]))
    assert [part.get_attribute("data-part") for part in found.all()] == feedback["star_present"]
    missing = attempt.get_by_test_id("star-missing")
    assert [part.get_attribute("data-part") for part in missing.all()] == feedback["star_missing"]
    expect(attempt.get_by_test_id("star-score")).to_have_text(str(feedback["star_score"]))
    expect(attempt.get_by_test_id("relevance")).to_have_text(str(feedback["relevance"]))
    expect(attempt.get_by_test_id("confidence")).to_have_text(str(feedback["confidence"]))
    expect(attempt.get_by_test_id("word-count")).to_contain_text(
        f"{feedback['word_count']} words · about {feedback['speaking_seconds']} s spoken"
    )
    expect(attempt.get_by_test_id("hedge")).to_have_text(feedback["hedges"])
    expect(attempt.get_by_test_id("feedback-note")).to_have_text(feedback["notes"])


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


def open_signed_in(context: BrowserContext, stack: Stack, user: str, path: str = "/") -> Page:
    """A new tab of ``context`` signed in as ``user`` (each tab has its own session), at ``path``."""
    page = context.new_page()
    sign_in(page, stack, user)
    if path != "/":
        page.goto(stack.gateway.url + path)
    return page


def wait_until_live(page: Page, timeout_ms: float = 30_000) -> None:
    """Until the page's live connection (/ws) is signed in and receiving."""
    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "open", timeout=timeout_ms)


def socket_frames(page: Page) -> list[str]:
    """Every WebSocket frame the page will receive from now on, as text."""
    frames: list[str] = []
    page.on(
        "websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload)))
    )
    return frames


def notification_of(page: Page, interview_id: str) -> Locator:
    return page.get_by_test_id("notification").and_(page.locator(f'[data-interview-id="{interview_id}"]'))


def dashboard_row(page: Page, interview_id: str) -> Locator:
    return page.locator(f'[data-testid="interview-row"][data-interview-id="{interview_id}"]')


#: A printout's margins, about Chromium's default (0.4 in); the width of an A4 page within them,
#: in CSS pixels.
PRINT_MARGIN = "1cm"
PRINTED_WIDTH = (210 - 2 * 10) / 25.4 * 96

#: What each chart has drawn: how many plots (a Recharts wrapper), how many lines with a path, and
#: how wide the plot's drawing is.
DRAWN_CHARTS = """() => [...document.querySelectorAll("figure.chart")].map((chart) => ({
    chart: chart.dataset.testid,
    plots: chart.querySelectorAll(".recharts-wrapper").length,
    lines: [...chart.querySelectorAll(".recharts-line-curve")].filter((line) => line.getAttribute("d"))
        .length,
    width: Number(chart.querySelector(".recharts-wrapper > svg")?.getAttribute("width") ?? 0),
}))"""


def drawn_charts(page: Page) -> list[dict[str, Any]]:
    """What each chart of the page has drawn now (see ``DRAWN_CHARTS``)."""
    charts: list[dict[str, Any]] = page.evaluate(DRAWN_CHARTS)
    return charts


def wait_for_the_drawing_module(page: Page) -> None:
    """Until the module that draws the charts (``LinePlot``, with Recharts) has come and been run,
    as the page fetches it after load when the browser is idle: importing the same address again
    resolves after the page's own import has (its reactions were registered first)."""
    address = page.wait_for_function(
        """() => performance.getEntriesByType("resource").map((entry) => entry.name)
            .find((name) => /\\/LinePlot-[^/]*\\.js$/.test(name))"""
    ).json_value()
    page.evaluate("address => import(address).then(() => null)", address)


def print_to_pdf(page: Page, path: Path) -> list[dict[str, Any]]:
    """Prints the page into ``path`` as Ctrl+P would, and gives what each chart had drawn when the
    browser laid the printout out (``drawn_charts``, read by a ``beforeprint`` listener added after
    the app's, so after the app rendered for print and before anything asynchronous could run).
    Headless Chromium's ``page.pdf()`` dispatches ``beforeprint`` and ``afterprint`` itself (and
    turns the ``print`` media query on and off), so nothing is emulated."""
    page.evaluate(
        f"""() => addEventListener("beforeprint", () => {{ window.drawnWhenPrinted = ({DRAWN_CHARTS})(); }},
            {{ once: true }})"""
    )
    margin = PRINT_MARGIN
    page.pdf(
        path=path, format="A4", margin={"top": margin, "right": margin, "bottom": margin, "left": margin}
    )
    when_printed: list[dict[str, Any]] | None = page.evaluate("window.drawnWhenPrinted ?? null")
    assert when_printed is not None, "page.pdf() did not dispatch beforeprint"
    return when_printed
