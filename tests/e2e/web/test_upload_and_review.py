"""A job seeker's first visit in the browser: sign in, upload through a dropped connection and a
reload, watch the stages, read the analysis and search and download the transcript; and the bad
inputs of the way there (a wrong file, one over 2 GB, an expired session)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Stack, account
from tests.e2e.web.pages import (
    keep,
    sign_in,
    start_throttled_upload,
    throttle,
    upload_percent,
    wait_for_upload_to_reach,
)

#: Slow enough that the upload of a short recording is still going when the browser goes offline.
UPLOAD_BYTES_PER_SECOND = 64 * 1024
ANALYSIS_TIMEOUT_MS = 600_000


def test_sign_in_upload_through_a_dropped_connection_and_read_the_analysis(
    stack: Stack, context: BrowserContext, sample: Path, screenshots: Path, tmp_path: Path
) -> None:
    page = context.new_page()
    page.goto(stack.gateway.url + "/review/anything")
    expect(page.get_by_test_id("dev-user")).to_be_visible()  # signed out: only the sign-in page
    keep(page, screenshots, "sign-in")

    sign_in(page, stack, "web-user")
    expect(page.get_by_text("No interviews yet")).to_be_visible()
    keep(page, screenshots, "dashboard-empty")

    page.get_by_test_id("new-interview").click()
    page.get_by_test_id("company").fill("Acme")
    page.get_by_test_id("job-title").fill("Backend engineer")
    page.get_by_test_id("recording-file").set_input_files(sample)
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    throttle(network, UPLOAD_BYTES_PER_SECOND)
    page.get_by_test_id("start-upload").click()

    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_contain_text("/s")  # speed and time left are shown while it runs
    wait_for_upload_to_reach(page, 15)
    page.screenshot(path=screenshots / "new-interview-uploading.png", full_page=True)
    # Offline for the page (navigator.onLine) and for the request in flight, which the
    # throttled connection of this CDP session carries.
    context.set_offline(True)
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    expect(page.get_by_text("The connection dropped")).to_be_visible(timeout=30_000)
    stalled_at = upload_percent(page)
    assert stalled_at < 100
    page.screenshot(path=screenshots / "new-interview-offline.png", full_page=True)
    page.wait_for_timeout(2000)
    throttle(network, -1)
    context.set_offline(False)
    expect(progress).to_contain_text("done", timeout=120_000)
    keep(page, screenshots, "new-interview-done")

    with stack.client("web-user") as api:
        listed = api.get("/interviews").json()["data"]
        assert len(listed) == 1, "a resumed upload goes on in the same interview"
        interview_id = listed[0]["interview_id"]
        recording = api.get(f"/interviews/{interview_id}").json()["recording"]
        assert recording["size_bytes"] == sample.stat().st_size

        page.get_by_test_id("open-interview").click()
        status = page.get_by_test_id("status")
        expect(status).to_be_visible()
        seen: list[str] = []
        deadline = time.monotonic() + ANALYSIS_TIMEOUT_MS / 1000
        while "completed" not in (text := status.inner_text()):
            assert "failed" not in text, page.content()
            assert time.monotonic() < deadline, f"not completed; statuses seen: {seen}"
            if not seen or seen[-1] != text:
                seen.append(text)
                if len(seen) == 1:
                    keep(page, screenshots, "interview-processing")
            page.wait_for_timeout(250)
        assert seen, "the page showed the stage before the analysis"  # and it changed without a reload
        expect(page.get_by_test_id("overall-score")).to_be_visible(timeout=30_000)
        keep(page, screenshots, "interview-analysis")

        analysis = api.get(f"/interviews/{interview_id}/analysis").json()
        assert float(page.get_by_test_id("overall-score").inner_text()) == analysis["overall_score"]
        assert int(page.get_by_test_id("filler-total").inner_text()) == analysis["speech"]["filler_total"]
        assert float(page.get_by_test_id("wpm").inner_text()) == pytest.approx(
            analysis["speech"]["wpm"], abs=0.05
        )
        expect(page.get_by_test_id("question")).to_have_count(len(analysis["content"]["questions"]))
        expect(page.get_by_test_id("recommendation")).to_have_count(len(analysis["recommendations"]))
        transcript = api.get(f"/interviews/{interview_id}/transcript").json()
        expect(page.get_by_test_id("transcript-segment")).to_have_count(transcript["count"])

        word = max(transcript["segments"][-1]["text"].split(), key=len).strip(".,?!")
        page.get_by_test_id("transcript-search").fill(word)
        hits = api.get(f"/interviews/{interview_id}/transcript", params={"q": word}).json()
        assert 0 < hits["count"] <= transcript["count"]
        expect(page.get_by_test_id("transcript-segment")).to_have_count(hits["count"])
        expect(page.locator("mark").first).to_have_text(re.compile(word, re.IGNORECASE))
        page.screenshot(path=screenshots / "interview-search.png", full_page=True)

        # What the SRT link saves: its file name and its bytes, read in the page. (Playwright's
        # download event does not fire for blob: links with Debian's Chromium 156 here.)
        link = page.get_by_test_id("download-srt")
        expect(link).to_have_attribute("download", f"transcript-{interview_id}.srt")
        srt = page.evaluate("href => fetch(href).then(answer => answer.text())", link.get_attribute("href"))
        assert srt == api.get(f"/interviews/{interview_id}/transcript.srt").text
        assert "-->" in srt

    page.get_by_role("link", name="My interviews").click()
    row = page.get_by_test_id("interview-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text(f"{analysis['overall_score']:g}")
    keep(page, screenshots, "dashboard")


def test_a_file_of_the_wrong_type_or_over_2_gb_is_refused_in_the_browser(
    stack: Stack, context: BrowserContext, screenshots: Path, tmp_path: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, "web-bad-input")
    page.get_by_test_id("new-interview").click()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))

    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    page.get_by_test_id("recording-file").set_input_files(notes)
    expect(page.get_by_role("alert").filter(has_text="not a recording")).to_be_visible()
    page.get_by_test_id("start-upload").click()
    page.screenshot(path=screenshots / "new-interview-wrong-type.png", full_page=True)

    # A File that says it holds 3 GB (no such bytes are made).
    page.evaluate(
        """() => {
            const input = document.querySelector('[data-testid="recording-file"]');
            const transfer = new DataTransfer();
            transfer.items.add(new File(["RIFF"], "long_interview.wav", { type: "audio/wav" }));
            input.files = transfer.files;
            Object.defineProperty(input.files[0], "size", { value: 3 * 1024 ** 3 });
            input.dispatchEvent(new Event("change", { bubbles: true }));
        }"""
    )
    expect(page.get_by_role("alert").filter(has_text="larger than the 2 GB")).to_be_visible()
    page.get_by_test_id("start-upload").click()
    page.screenshot(path=screenshots / "new-interview-too-large.png", full_page=True)

    page.wait_for_timeout(500)
    assert [line for line in sent if "/interviews" in line or "/uploads" in line] == []
    with httpx.Client(base_url=stack.gateway.url) as client:
        headers = {"Authorization": f"Bearer {stack.token('web-bad-input')}"}
        assert client.get("/interviews", headers=headers).json()["count"] == 0


def test_an_upload_cut_by_a_reload_resumes_into_the_same_interview(
    stack: Stack, context: BrowserContext, sample: Path, screenshots: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, "web-reload")
    page.get_by_test_id("new-interview").click()
    keep(page, screenshots, "new-interview")
    network = start_throttled_upload(page, context, sample, "Reload Inc", UPLOAD_BYTES_PER_SECOND)
    wait_for_upload_to_reach(page, 15)

    page.reload()  # the tab stays signed in; the upload in flight is cut
    throttle(network, -1)
    page.get_by_test_id("recording-file").set_input_files(sample)
    page.get_by_test_id("start-upload").click()

    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_contain_text("Resuming the earlier upload")
    expect(progress).to_contain_text("done", timeout=120_000)
    with stack.client("web-reload") as api:
        listed = api.get("/interviews").json()["data"]
        assert [row["company"] for row in listed] == ["Reload Inc"], "resumed into the first interview"
        assert listed[0]["recording"]["size_bytes"] == sample.stat().st_size


def test_sign_in_by_keyboard_alone(stack: Stack, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(stack.gateway.url + "/")
    # React renders after the load event that goto waits for: a Tab pressed before lands nowhere.
    expect(page.get_by_test_id("dev-user")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("dev-user")).to_be_focused()
    page.keyboard.type(account("web-keyboard"))
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("sign-in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_an_invalid_or_expired_token_sends_the_user_back_to_sign_in(
    stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    sign_in(page, stack, "web-expired")
    page.evaluate(
        """() => sessionStorage.setItem("interview-buddy.session",
            JSON.stringify({ token: "not-a-token", userId: "web-expired" }))"""
    )
    page.reload()

    expect(page.get_by_test_id("dev-user")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Get a new one")
