"""A session that expires in the middle of an upload: the user is sent to sign in again, told
why, and the upload goes on after sign-in, where the server stopped, into the same interview."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from gateway.auth import DevIssuer
from gateway.settings import Settings
from tests.e2e.conftest import Stack, account
from tests.e2e.web.pages import keep, start_throttled_upload, throttle, wait_for_upload_to_reach

#: Long enough to sign in and start the upload, short enough to end while it is going.
TOKEN_SECONDS = 15
UPLOAD_BYTES_PER_SECOND = 64 * 1024


def short_lived_token(stack: Stack, user: str) -> str:
    """A token of the stack's dev issuer that expires in TOKEN_SECONDS."""
    settings = Settings(run_dir=stack.gateway.run_dir)
    issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
    return issuer.issue(account(user), lifetime_seconds=TOKEN_SECONDS)


def test_an_upload_cut_by_an_expired_session_resumes_after_sign_in_into_the_same_interview(
    stack: Stack, context: BrowserContext, sample: Path, screenshots: Path
) -> None:
    user = "web-expiring"
    page = context.new_page()
    creations: list[str] = []
    page.on(
        "request",
        lambda request: creations.extend(
            [request.url] * (request.method == "POST" and "/uploads" in request.url)
        ),
    )
    page.goto(stack.gateway.url + "/")
    session = {"token": short_lived_token(stack, user), "userId": account(user)}
    page.evaluate(
        "session => sessionStorage.setItem('interview-buddy.session', session)", json.dumps(session)
    )
    page.goto(stack.gateway.url + "/new")
    network = start_throttled_upload(page, context, sample, "Expiry Corp", UPLOAD_BYTES_PER_SECOND)
    wait_for_upload_to_reach(page, 5)

    # The token expires; the next request of the upload is refused (401).
    expect(page.get_by_test_id("dev-user")).to_be_visible(timeout=120_000)
    reason = page.get_by_role("status")
    expect(reason).to_contain_text("expired")
    expect(reason).to_contain_text(f"your upload of “{sample.name}” then continues")
    keep(page, screenshots, "sign-in-after-expiry")
    throttle(network, -1)

    page.get_by_test_id("dev-user").fill(account(user))
    page.get_by_test_id("sign-in").click()
    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_contain_text("Resuming the earlier upload")
    expect(progress).to_contain_text("done", timeout=120_000)
    assert len(creations) == 1, "the same upload went on where the server stopped"

    with stack.client(user) as api:
        listed = api.get("/interviews").json()["data"]
        assert [row["company"] for row in listed] == ["Expiry Corp"], "resumed into the same interview"
        assert listed[0]["recording"]["size_bytes"] == sample.stat().st_size
