"""Settings in the browser: the retention and email choices saved and read back from the API (bad
retentions named, nothing typed lost), email off means no email for the next analysis (the
in-app notification still comes), and deleting the account after a confirmation signs out."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from dev.polling import wait_until
from gateway.auth import dev_email
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, account, upload_wav
from tests.e2e.web.pages import keep, notification_of, sign_in, wait_until_live


def open_settings(context: BrowserContext, stack: Stack, user: str) -> Page:
    page = context.new_page()
    sign_in(page, stack, user)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    return page


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0", "outside what can be kept"),
        ("5000", "outside what can be kept"),
        ("two weeks", "not a whole number of days"),
        ("", "Say how many days"),
    ],
)
def test_a_bad_retention_is_named_and_nothing_is_saved_or_lost(
    stack: Stack, context: BrowserContext, typed: str, said: str
) -> None:
    user = "web-settings-bad"
    page = open_settings(context, stack, user)
    with stack.client(user) as api:
        before = api.get("/me/settings").json()
    page.get_by_test_id("retention-days").fill(typed)
    page.get_by_test_id("email-notifications").uncheck()
    page.get_by_test_id("save-settings").click()

    expect(page.get_by_test_id("retention-problem")).to_contain_text(said)
    expect(page.get_by_test_id("retention-days")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("retention-days")).to_have_value(typed)
    expect(page.get_by_test_id("email-notifications")).not_to_be_checked()
    with stack.client(user) as api:
        assert api.get("/me/settings").json() == before


def test_settings_are_saved_read_back_and_email_off_means_no_email_for_the_next_analysis(
    stack: Stack,
    context: BrowserContext,
    sample: Path,
    screenshots: Path,
    smtp_server: SmtpServer,
    database_url: str,
) -> None:
    user = "web-settings"
    page = open_settings(context, stack, user)
    with stack.client(user) as api:
        default = api.get("/me/settings").json()
    expect(page.get_by_test_id("retention-days")).to_have_value(str(default["retention_days"]))
    expect(page.get_by_test_id("email-notifications")).to_be_checked()
    keep(page, screenshots, "settings")

    # By keyboard: the retention field, the email box, then Save.
    page.get_by_test_id("retention-days").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("email-notifications")).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_test_id("save-settings").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("settings-saved")).to_have_text("Settings saved.")

    with stack.client(user) as api:
        saved = api.get("/me/settings").json()
        assert saved == {"retention_days": 30, "retention_is_default": False, "email_notifications": False}
        page.reload()
        expect(page.get_by_test_id("retention-days")).to_have_value("30")
        expect(page.get_by_test_id("email-notifications")).not_to_be_checked()

        wait_until_live(page)
        interview_id = upload_wav(api, sample, "Quiet Corp")
        expect(notification_of(page, interview_id)).to_be_visible(timeout=600_000)  # in the app all the same

    def delivery() -> tuple[str, ...] | None:
        with psycopg.connect(database_url) as connection:
            return connection.execute(
                "SELECT status FROM notification_deliveries WHERE interview_id = %s", (interview_id,)
            ).fetchone()

    assert wait_until(delivery, 60, "the delivery of the notification decided") == ("skipped",)
    assert smtp_server.messages_to(dev_email(account(user))) == []


def test_deleting_the_account_after_a_confirmation_signs_out_and_leaves_nothing(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "web-goodbye"
    with stack.client(user) as api:
        api.post("/interviews", json={"company": "Farewell Inc"}).raise_for_status()
        api.put("/me/settings", json={"retention_days": 7}).raise_for_status()
    page = open_settings(context, stack, user)

    page.get_by_test_id("delete-account").click()
    dialog = page.get_by_test_id("delete-account-dialog")
    expect(dialog).to_be_visible()
    keep(page, screenshots, "settings-delete-account")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    with stack.client(user) as api:
        assert api.get("/interviews").json()["count"] == 1, "Escape keeps the account"

    page.get_by_test_id("delete-account").click()
    dialog.get_by_test_id("delete-account-dialog-confirm").click()
    expect(page.get_by_test_id("dev-user")).to_be_visible()  # signed out
    expect(page.get_by_role("status")).to_contain_text("Your account was deleted")
    with stack.client(user) as api:
        assert api.get("/interviews").json()["count"] == 0
        assert api.get("/me/settings").json()["retention_is_default"] is True
