"""Prep versus actual in the browser: practise a question, link the interview to the session with
the new-interview form's picker, run its recording through the real pipeline, and read the
comparison beside the API's; then targeted practice from that analysis. And the interviews that
have no comparison yet (not linked, not analysed) say why."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import Stack
from tests.e2e.web.pages import keep, open_prep_session, practise, sign_in

ANALYSIS_TIMEOUT_SECONDS = 600
#: An answer to "a recent project you are proud of" without its result; the sample interview's
#: answer to that question ends with one (tests/e2e/test_prep_versus_actual.py).
PRACTISED = (
    "The project I am most proud of is a scheduling tool for nurses. I talked to the nurses first "
    "and then I built a small web app. I think it went well."
)


def number(shown: Locator) -> float:
    """A figure as the page writes it (+12.5, −3, ±0) as a number."""
    return float(shown.inner_text().replace("−", "-").replace("±", ""))


def wait_until_completed(page: Page) -> None:
    status = page.get_by_test_id("status")
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_SECONDS
    while "completed" not in (text := status.inner_text()):
        assert "failed" not in text, page.content()
        assert time.monotonic() < deadline, f"not completed: {text}"
        page.wait_for_timeout(500)


def expect_comparison_as_the_api_gave_it(page: Page, comparison: dict[str, Any]) -> None:
    score = comparison["improvement_score"]
    if score is None:
        expect(page.get_by_test_id("improvement-score")).to_have_text("—")
    else:
        assert number(page.get_by_test_id("improvement-score")) == score
    expect(page.get_by_test_id("practised-and-asked")).to_have_text(str(comparison["practised_and_asked"]))
    unexpected = [item["question"] for item in comparison["unexpected_questions"]]
    expect(page.get_by_test_id("unexpected-count")).to_have_text(str(len(unexpected)))
    expect(page.get_by_test_id("unexpected-question").get_by_test_id("question")).to_have_text(unexpected)
    expect(page.get_by_test_id("not-asked-count")).to_have_text(str(len(comparison["practised_not_asked"])))
    expect(page.get_by_test_id("not-asked-question")).to_have_text(comparison["practised_not_asked"])
    matches = page.get_by_test_id("match")
    expect(matches).to_have_count(len(comparison["matches"]))
    for shown, match in zip(matches.all(), comparison["matches"], strict=True):
        expect(shown.get_by_test_id("match-actual-question")).to_have_text(match["actual_question"])
        expect(shown.get_by_test_id("match-practised-question")).to_have_text(match["practised_question"])
        expect(shown.get_by_test_id("practised-answer")).to_have_text(match["practised_answer"])
        expect(shown.get_by_test_id("actual-answer")).to_have_text(match["actual_answer"])
        for name, delta in match["delta"].items():
            assert number(shown.get_by_test_id(f"delta-{name}")) == delta, name
        assert number(shown.get_by_test_id("delta-score")) == match["delta_score"]
        for kind in ("kept", "dropped", "added"):
            expect(shown.get_by_test_id(f"point-{kind}")).to_have_text(match["points"][kind])


def test_an_interview_linked_with_the_picker_is_compared_with_the_practice(
    stack: Stack, context: BrowserContext, sample: Path, screenshots: Path
) -> None:
    user = "compare-user"
    with stack.client(user) as api:
        other = api.post("/prep-sessions", json={"job_title": "Designer", "question_count": 1}).json()
        session = api.post(
            "/prep-sessions",
            json={"job_title": "Software engineer", "interview_type": "behavioral", "question_count": 15},
        ).json()
    [proud] = [q for q in session["questions"] if "proud of" in q["text"]]
    page = context.new_page()
    sign_in(page, stack, user)
    open_prep_session(page, stack, session["prep_session_id"])
    practise(page, proud["text"], PRACTISED)

    # From the session's page to the new-interview form, the session chosen in its picker.
    page.get_by_role("link", name="All questions of this session").click()
    page.get_by_test_id("upload-prepared-interview").click()
    picker = page.get_by_test_id("prep-session")
    expect(picker).to_have_value(session["prep_session_id"])
    with stack.client(user) as api:
        listed = api.get("/prep-sessions").json()["items"]
    options = picker.locator("option")
    expect(options).to_have_count(1 + len(listed))  # "None" and each of my sessions, newest first
    assert [o.get_attribute("value") for o in options.all()] == ["", *[s["prep_session_id"] for s in listed]]
    assert listed[-1]["prep_session_id"] == other["prep_session_id"]
    keep(page, screenshots, "new-interview-with-prep")
    page.get_by_test_id("company").fill("Prepared Inc")
    page.get_by_test_id("job-title").fill("Software engineer")
    page.get_by_test_id("recording-file").set_input_files(sample)
    page.get_by_test_id("start-upload").click()
    expect(page.get_by_test_id("upload-progress")).to_contain_text("done", timeout=120_000)
    with stack.client(user) as api:
        [interview] = api.get("/interviews").json()["data"]
    assert interview["prep_session_id"] == session["prep_session_id"]  # saved with the metadata

    page.get_by_test_id("open-interview").click()
    wait_until_completed(page)
    page.get_by_test_id("open-comparison").click()
    expect(page.get_by_role("heading", name="Prep versus actual")).to_be_visible()
    expect(page.get_by_test_id("match").first).to_be_visible()
    with stack.client(user) as api:
        comparison = api.get(f"/interviews/{interview['interview_id']}/prep-comparison").json()
        analysed = api.get(f"/interviews/{interview['interview_id']}/analysis").json()
    stored = analysed["content"]["prep_comparison"]
    assert {key: stored[key] for key in comparison if key != "interview_id"} == {
        key: value for key, value in comparison.items() if key != "interview_id"
    }
    [match] = comparison["matches"]
    assert (match["practised_question"], match["practised_answer"]) == (proud["text"], PRACTISED)
    assert comparison["improvement_score"] == round(match["delta_score"])
    expect_comparison_as_the_api_gave_it(page, comparison)
    keep(page, screenshots, "comparison")

    # Targeted practice, now that an interview of this user is analysed.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Prep").click()
    page.get_by_test_id("targeted-practice").click()
    with stack.client(user) as api:
        targeted = api.get("/practice/targeted").json()
    assert targeted["answers_seen"] > 0
    for skill, level in targeted["levels"].items():
        row = page.locator(f'[data-testid="skill-level"][data-skill="{skill}"]')
        expect(row.get_by_test_id("level")).to_have_text(f"{level} %")
        expect(row.get_by_test_id("weakest")).to_have_count(1 if skill in targeted["weakest"] else 0)
    if targeted["weakest"]:
        questions = [question["question"] for question in targeted["questions"]]
        expect(page.get_by_test_id("targeted-question").locator(".question-text")).to_have_text(questions)
        keep(page, screenshots, "prep-targeted")
        page.get_by_test_id("start-targeted").click()
        expect(page.get_by_role("heading", name="Targeted practice")).to_be_visible()
        expect(page.get_by_test_id("question-text")).to_have_text(questions)
    else:
        expect(page.get_by_test_id("no-weak-skill")).to_be_visible()
        keep(page, screenshots, "prep-targeted")


def test_an_interview_not_linked_or_not_analysed_yet_says_why_there_is_no_comparison(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    user = "compare-none"
    with stack.client(user) as api:
        session = api.post("/prep-sessions", json={"job_title": "Analyst", "question_count": 1}).json()
        unlinked = api.post("/interviews", json={"company": "Unlinked Ltd"}).json()["interview_id"]
        waiting = api.post(
            "/interviews", json={"company": "Waiting Ltd", "prep_session_id": session["prep_session_id"]}
        ).json()["interview_id"]
        reasons = {
            interview_id: api.get(f"/interviews/{interview_id}/prep-comparison").json()["error"]["message"]
            for interview_id in (unlinked, waiting)
        }
    assert "not linked to a prep session" in reasons[unlinked]
    assert "not ready yet" in reasons[waiting]
    page = context.new_page()
    sign_in(page, stack, user)

    page.goto(f"{stack.gateway.url}/review/{unlinked}")
    expect(page.get_by_role("heading", name="Unlinked Ltd")).to_be_visible()
    expect(page.get_by_test_id("open-comparison")).to_have_count(0)  # nothing to compare: no link
    page.goto(f"{stack.gateway.url}/review/{unlinked}/comparison")
    expect(page.get_by_test_id("no-comparison").get_by_role("alert")).to_have_text(reasons[unlinked])
    keep(page, screenshots, "comparison-not-linked")

    page.goto(f"{stack.gateway.url}/review/{waiting}")
    page.get_by_test_id("open-comparison").click()
    expect(page.get_by_test_id("no-comparison").get_by_role("alert")).to_have_text(reasons[waiting])
    keep(page, screenshots, "comparison-not-analysed")
