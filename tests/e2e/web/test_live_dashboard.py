"""Live updates in the browser while a recording goes through the real pipeline: the stage and
the dashboard row move without reload and without polling, the in-app notification appears on
every page of its user (and the email of the same analysis arrives), and another user's
browser gets nothing of it."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, expect

from dev.polling import wait_until
from gateway.auth import dev_email
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, account, put_recording
from tests.e2e.test_notifications import parts_of
from tests.e2e.web.pages import (
    dashboard_row,
    keep,
    notification_of,
    open_signed_in,
    sign_in,
    socket_frames,
    wait_until_live,
)

ANALYSIS_TIMEOUT_S = 300
#: With the socket up the stage page reads the status when it opens and once more when the
#: socket signs in (what came in between); polling every 2 s would ask dozens of times.
STATUS_READS_WITHOUT_POLLING = 3


def texts_until_completed(stage: Locator, row: Locator) -> tuple[list[str], list[str]]:
    """Every status the stage page and the dashboard row showed, in order, until both say completed."""
    stages: list[str] = []
    rows: list[str] = []
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
    while True:
        for locator, seen in ((stage, stages), (row, rows)):
            text = locator.inner_text().strip()
            assert "failed" not in text, f"the analysis failed: {text}"
            if not seen or seen[-1] != text:
                seen.append(text)
        if "completed" in stages[-1] and "completed" in rows[-1]:
            return stages, rows
        assert time.monotonic() < deadline, f"not completed; stage page: {stages}, dashboard: {rows}"
        stage.page.wait_for_timeout(200)


def test_a_recording_moves_live_on_every_page_of_its_user_and_nowhere_else(
    stack: Stack,
    browser: Browser,
    context: BrowserContext,
    sample: Path,
    screenshots: Path,
    smtp_server: SmtpServer,
) -> None:
    user = "web-live"
    with stack.client(user) as api:
        created = api.post(
            "/interviews", json={"company": "Live Co", "job_title": "Site reliability engineer"}
        )
        interview_id = created.json()["interview_id"]

    dashboard = open_signed_in(context, stack, user)
    stage_page = open_signed_in(context, stack, user, f"/review/{interview_id}")
    settings = open_signed_in(context, stack, user, "/settings")
    status_reads: list[str] = []
    stage_page.on(
        "request", lambda request: status_reads.append(request.url) if "/status" in request.url else None
    )
    other_context = browser.new_context()  # another user, in a browser of their own
    other = other_context.new_page()
    other_frames = socket_frames(other)
    sign_in(other, stack, "web-live-other")
    for page in (dashboard, stage_page, settings, other):
        wait_until_live(page)
    stage_page.evaluate("window.sameDocument = true")  # gone if the page reloads
    row = dashboard_row(dashboard, interview_id)
    expect(row.get_by_test_id("row-status")).to_contain_text("created")
    status_reads.clear()

    with stack.client(user) as api:
        put_recording(api, interview_id, sample)
        expect(stage_page.get_by_test_id("status")).not_to_contain_text("created", timeout=60_000)
        keep(stage_page, screenshots, "interview-processing-live")
        stages, rows = texts_until_completed(
            stage_page.get_by_test_id("status"), row.get_by_test_id("row-status")
        )
        analysis = api.get(f"/interviews/{interview_id}/analysis").json()

    assert len(stages) >= 2 and len(rows) >= 3, f"stage page: {stages}; dashboard: {rows}"
    assert stage_page.evaluate("window.sameDocument === true"), "the stage page was reloaded"
    assert len(status_reads) <= STATUS_READS_WITHOUT_POLLING, f"the stage page polled: {status_reads}"
    expect(row).to_contain_text(f"{analysis['overall_score']:g}")  # the score comes with the row

    score = f"{round(analysis['overall_score'])}/100"
    for page in (dashboard, stage_page, settings):
        note = notification_of(page, interview_id)
        expect(note).to_be_visible(timeout=30_000)
        expect(note).to_contain_text(score)
    note = notification_of(dashboard, interview_id)
    link = note.get_by_test_id("notification-link")
    expect(link).to_have_attribute("href", f"/review/{interview_id}")
    keep(dashboard, screenshots, "dashboard-notified")
    title = note.locator(".notification-title").inner_text()

    address = dev_email(account(user))
    [email] = wait_until(lambda: smtp_server.messages_to(address), 60, "the email of the same analysis")
    assert email["Subject"] == title
    assert f"/review/{interview_id}" in parts_of(email)

    link.click()
    expect(dashboard.get_by_test_id("overall-score")).to_be_visible()
    assert float(dashboard.get_by_test_id("overall-score").inner_text()) == analysis["overall_score"]

    expect(other.get_by_test_id("notification")).to_have_count(0)
    expect(other.get_by_text("No interviews yet")).to_be_visible()
    assert any('"ready"' in frame for frame in other_frames), "the other user's socket was signed in"
    assert not [frame for frame in other_frames if interview_id in frame]
    other_context.close()
