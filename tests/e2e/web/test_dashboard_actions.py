"""The dashboard's quick actions and pages, by mouse and by keyboard: edit an interview's metadata
(and an edit refused because it changed meanwhile, redone without retyping), delete after a
confirmation (Cancel and Escape keep it), page through more interviews than a page holds."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Stack
from tests.e2e.web.pages import dashboard_row, keep, sign_in

#: web/src/features/interviews/api.ts PAGE_SIZE
PAGE_SIZE = 10


def test_edit_an_interviews_metadata_and_redo_an_edit_refused_by_a_change_meanwhile(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "web-edit"
    with stack.client(user) as api:
        interview_id = api.post("/interviews", json={"company": "Initech", "job_title": "Tester"}).json()[
            "interview_id"
        ]
        page = context.new_page()
        sign_in(page, stack, user)
        row = dashboard_row(page, interview_id)
        row.get_by_test_id("edit-interview").click()
        dialog = page.get_by_test_id("edit-dialog")
        expect(dialog).to_be_visible()
        expect(page.get_by_label("Company")).to_be_focused()  # focus moves into the dialog
        keep(page, screenshots, "dashboard-edit")
        page.get_by_label("Company").fill("Initech GmbH")
        page.get_by_label("Job title").fill("Senior tester")
        page.get_by_label("Type").select_option("technical")
        page.get_by_label("Notes").fill("Second round, two interviewers.")

        # Bad input: the interview changed in another tab since the dashboard read it.
        assert api.patch(
            f"/interviews/{interview_id}", json={"notes": "x"}, headers={"If-Match": "*"}
        ).is_success
        dialog.get_by_test_id("save-interview").click()
        expect(dialog.get_by_test_id("edit-problem")).to_contain_text(
            "changed this interview since you opened it"
        )
        expect(page.get_by_label("Company")).to_have_value("Initech GmbH")  # nothing typed is lost
        page.screenshot(path=screenshots / "dashboard-edit-conflict.png", full_page=True)
        dialog.get_by_test_id("save-interview").click()
        expect(dialog).to_be_hidden()

        saved = api.get(f"/interviews/{interview_id}").json()
        assert (saved["company"], saved["job_title"], saved["interview_type"], saved["notes"]) == (
            "Initech GmbH",
            "Senior tester",
            "technical",
            "Second round, two interviewers.",
        )
        expect(row).to_contain_text("Initech GmbH · Senior tester")
        expect(row.get_by_test_id("edit-interview")).to_be_focused()  # focus goes back where it was


def test_delete_after_a_confirmation_and_cancel_or_escape_keeps_it(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "web-delete"
    with stack.client(user) as api:
        kept = api.post("/interviews", json={"company": "Keep Ltd"}).json()["interview_id"]
        doomed = api.post("/interviews", json={"company": "Gone Ltd"}).json()["interview_id"]
        page = context.new_page()
        sign_in(page, stack, user)
        row = dashboard_row(page, doomed)

        row.get_by_test_id("delete-interview").click()
        dialog = page.get_by_test_id("delete-dialog")
        expect(dialog).to_contain_text("Gone Ltd")
        expect(dialog.get_by_test_id("delete-dialog-cancel")).to_be_focused()  # the safe choice first
        keep(page, screenshots, "dashboard-delete-confirm")
        dialog.get_by_test_id("delete-dialog-cancel").click()
        expect(dialog).to_be_hidden()

        row.get_by_test_id("delete-interview").focus()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(row.get_by_test_id("delete-interview")).to_be_focused()
        assert api.get(f"/interviews/{doomed}").status_code == 200, "Cancel and Escape keep it"

        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # Cancel, then the delete button
        expect(dialog.get_by_test_id("delete-dialog-confirm")).to_be_focused()
        page.keyboard.press("Enter")
        expect(row).to_have_count(0)
        assert api.get(f"/interviews/{doomed}").status_code == 404
        assert [item["interview_id"] for item in api.get("/interviews").json()["data"]] == [kept]
        expect(dashboard_row(page, kept)).to_be_visible()


def test_the_dashboard_pages_through_more_interviews_than_a_page_holds(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "web-pages"
    with stack.client(user) as api:
        for number in range(PAGE_SIZE + 2):
            api.post("/interviews", json={"company": f"Company {number:02d}"}).raise_for_status()
        listed = api.get("/interviews", params={"limit": 100}).json()
    newest_first = [item["interview_id"] for item in listed["data"]]
    assert listed["count"] == PAGE_SIZE + 2

    page = context.new_page()
    sign_in(page, stack, user)
    rows = page.get_by_test_id("interview-row")
    expect(rows).to_have_count(PAGE_SIZE)
    assert [rows.nth(i).get_attribute("data-interview-id") for i in range(PAGE_SIZE)] == newest_first[
        :PAGE_SIZE
    ]
    expect(page.get_by_test_id("page-range")).to_have_text(f"1–{PAGE_SIZE} of {PAGE_SIZE + 2}")
    expect(page.get_by_role("button", name="Newer")).to_be_disabled()
    keep(page, screenshots, "dashboard-page-1")

    page.get_by_role("button", name="Older").click()
    expect(page.get_by_test_id("page-range")).to_have_text(
        f"{PAGE_SIZE + 1}–{PAGE_SIZE + 2} of {PAGE_SIZE + 2}"
    )
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-interview-id") for i in range(2)] == newest_first[PAGE_SIZE:]
    expect(page.get_by_role("button", name="Older")).to_be_disabled()

    # The last row of the last page deleted: the page before it is shown.
    for interview_id in newest_first[PAGE_SIZE:]:
        dashboard_row(page, interview_id).get_by_test_id("delete-interview").click()
        page.get_by_test_id("delete-dialog-confirm").click()
        expect(dashboard_row(page, interview_id)).to_have_count(0)
    expect(page.get_by_test_id("page-range")).to_have_text(f"1–{PAGE_SIZE} of {PAGE_SIZE}")
    expect(rows).to_have_count(PAGE_SIZE)
