"""Prep in the browser: create a session and see its questions as the API lists them, practise a
question by chat (by keyboard alone) with the API's feedback shown for each attempt, and the bad
inputs of the way (an empty answer, an over-long one, one sent offline, a session form with a
missing or wrong field), none of which loses what was typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.conftest import Stack
from tests.e2e.web.pages import (
    expect_feedback_as_the_api_gave_it,
    keep,
    open_prep_session,
    sign_in,
    tab_to,
)

JOB = "Data engineer. You will build Kafka streaming pipelines and tune SQL queries in our warehouse."
SHORT_ANSWER = "I think we sort of fixed the slow report."
FULL_ANSWER = (
    "At my last job our nightly billing report took three hours. I was responsible for making it "
    "finish before the finance team started. I profiled the query and added two indexes. As a result "
    "it ran in twelve minutes."
)


def api_limit(stack: Stack, model: str, field: str) -> int:
    """A field's maxLength as the gateway's OpenAPI document states it."""
    with stack.client("anyone") as api:
        schema = api.get("/openapi.json").json()["components"]["schemas"][model]
    prop = schema["properties"][field]
    [limit] = [kind["maxLength"] for kind in [prop, *prop.get("anyOf", [])] if "maxLength" in kind]
    return int(limit)


def writes_to(requests: list[Request], path: str) -> list[str]:
    return [f"{r.method} {r.url}" for r in requests if r.method == "POST" and path in r.url]


def test_create_a_session_in_the_browser_and_see_its_questions_as_the_api_lists_them(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, "prep-create")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Prep").click()
    expect(page.get_by_text("No prep sessions yet")).to_be_visible()
    keep(page, screenshots, "prep-empty")

    page.get_by_test_id("new-prep-session").click()
    keep(page, screenshots, "prep-new")
    page.get_by_test_id("prep-job-title").fill("Data engineer")
    page.get_by_test_id("prep-company").fill("Acme")
    page.get_by_test_id("prep-type").select_option("technical")
    page.get_by_test_id("prep-job-description").fill(JOB)
    page.get_by_test_id("prep-question-count").fill("5")
    page.get_by_test_id("create-prep-session").click()
    expect(page.get_by_role("heading", name="Acme · Data engineer")).to_be_visible()

    with stack.client("prep-create") as api:
        [listed] = api.get("/prep-sessions").json()["items"]
        session = api.get(f"/prep-sessions/{listed['prep_session_id']}").json()
    assert (
        session["company"],
        session["job_title"],
        session["interview_type"],
        session["job_description"],
    ) == (
        "Acme",
        "Data engineer",
        "technical",
        JOB,
    )
    assert page.url.endswith(f"/prep/{session['prep_session_id']}")
    expect(page.get_by_test_id("question-text")).to_have_text([q["text"] for q in session["questions"]])
    ai_written = sum(q["ai_generated"] for q in session["questions"])
    expect(page.get_by_test_id("ai-generated")).to_have_count(ai_written)
    expect(page.get_by_test_id("bank-question")).to_have_count(len(session["questions"]) - ai_written)
    expect(page.get_by_test_id("attempts")).to_have_text(["Not answered yet"] * len(session["questions"]))
    keep(page, screenshots, "prep-session")

    page.get_by_role("link", name="My prep sessions").click()
    row = page.get_by_test_id("prep-session-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Acme · Data engineer")
    expect(row.locator("td").nth(1)).to_have_text(str(listed["question_count"]))
    keep(page, screenshots, "prep-sessions")


def test_practise_by_chat_with_the_keyboard_answer_again_and_review_both_attempts(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    with stack.client("prep-chat") as api:
        created = api.post("/prep-sessions", json={"job_title": "Data engineer", "question_count": 3}).json()
    page = context.new_page()
    sign_in(page, stack, "prep-chat")
    open_prep_session(page, stack, created["prep_session_id"])
    question = created["questions"][0]
    page.get_by_test_id("practise").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("practice-question")).to_have_text(question["text"])
    expect(page.get_by_text("No attempts yet")).to_be_visible()

    tab_to(page, page.get_by_test_id("answer"))
    page.keyboard.type(SHORT_ANSWER)
    page.keyboard.press("Control+Enter")  # sends; the focus stays in the box for the next attempt
    expect(page.get_by_test_id("attempt")).to_have_count(1)
    expect(page.get_by_test_id("answer")).to_be_focused()
    expect(page.get_by_test_id("answer")).to_have_value("")
    url = f"/prep-sessions/{created['prep_session_id']}/questions/{question['question_id']}/answers"
    with stack.client("prep-chat") as api:
        [first] = api.get(url).json()
    assert first["answer"] == SHORT_ANSWER
    assert "result" in first["feedback"]["star_missing"] and first["feedback"]["hedges"]
    expect_feedback_as_the_api_gave_it(page.get_by_test_id("attempt").nth(0), first["feedback"])
    keep(page, screenshots, "prep-practice-feedback")

    page.keyboard.type(FULL_ANSWER)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("send-answer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("attempt")).to_have_count(2)
    with stack.client("prep-chat") as api:
        attempts: list[dict[str, Any]] = api.get(url).json()
    assert [a["attempt"] for a in attempts] == [1, 2]
    for shown, attempt in zip(page.get_by_test_id("attempt").all(), attempts, strict=True):
        expect(shown.get_by_test_id("attempt-answer")).to_have_text(attempt["answer"])
        expect_feedback_as_the_api_gave_it(shown, attempt["feedback"])

    page.reload()  # past attempts are the API's, not the page's memory
    expect(page.get_by_test_id("attempt-answer")).to_have_text([a["answer"] for a in attempts])
    keep(page, screenshots, "prep-practice-two-attempts")
    page.get_by_role("link", name="All questions of this session").click()
    expect(page.get_by_test_id("attempts").first).to_have_text("2 attempts")


def test_bad_answers_and_a_bad_session_form_get_a_clear_message_and_lose_nothing_typed(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    with stack.client("prep-bad-input") as api:
        created = api.post("/prep-sessions", json={"question_count": 1}).json()
    answer_max = api_limit(stack, "PracticeAnswerCreate", "answer")
    description_max = api_limit(stack, "PrepSessionCreate", "job_description")
    page = context.new_page()
    sign_in(page, stack, "prep-bad-input")
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request))
    open_prep_session(page, stack, created["prep_session_id"])
    page.get_by_test_id("practise").click()
    problem = page.get_by_test_id("answer-problem")

    # An empty answer (blanks only): said, and nothing is sent.
    page.get_by_test_id("answer").fill("   ")
    page.get_by_test_id("send-answer").click()
    expect(problem).to_have_text("Write your answer before sending it.")
    # An over-long answer: said with its length and the limit, nothing sent, every character kept.
    too_long = ("I led the migration. " * (answer_max // 20 + 1))[: answer_max + 1]
    page.get_by_test_id("answer").fill(too_long)
    page.get_by_test_id("send-answer").click()
    expect(problem).to_contain_text(f"{answer_max + 1:,} characters")
    expect(problem).to_contain_text(f"at most {answer_max:,}")
    expect(page.get_by_test_id("answer")).to_have_value(too_long)
    keep(page, screenshots, "prep-practice-too-long")
    assert writes_to(sent, "/answers") == []

    # Sent while offline: said, the answer stays in the box, and it goes when the connection is back.
    context.set_offline(True)
    page.get_by_test_id("answer").fill(FULL_ANSWER)
    page.get_by_test_id("send-answer").click()
    expect(page.get_by_test_id("answer-waiting")).to_contain_text("You are offline")
    expect(page.get_by_test_id("answer")).to_have_value(FULL_ANSWER)
    assert writes_to(sent, "/answers") == []
    context.set_offline(False)
    expect(page.get_by_test_id("attempt")).to_have_count(1)
    expect(page.get_by_test_id("attempt-answer")).to_have_text(FULL_ANSWER)
    expect(page.get_by_test_id("answer")).to_have_value("")
    expect(problem).to_have_text("")

    # A session form without its role, with too many questions and an over-long description.
    page.goto(stack.gateway.url + "/prep/new")
    page.get_by_test_id("prep-company").fill("Globex")
    page.get_by_test_id("prep-question-count").fill("50")
    long_description = "x" * (description_max + 1)
    page.get_by_test_id("prep-job-description").fill(long_description)
    before = len(writes_to(sent, "/prep-sessions"))
    page.get_by_test_id("create-prep-session").click()
    expect(page.get_by_test_id("problem-jobTitle")).to_have_text(
        "Say which role you are preparing for: the questions are chosen for it."
    )
    expect(page.get_by_test_id("problem-questionCount")).to_have_text("Choose between 1 and 20 questions.")
    expect(page.get_by_test_id("problem-jobDescription")).to_contain_text(f"the most is {description_max:,}")
    expect(page.get_by_test_id("form-problems")).to_have_text(
        "3 fields need your attention before the session can be created."
    )
    expect(page.get_by_test_id("prep-job-title")).to_be_focused()
    expect(page.get_by_test_id("prep-company")).to_have_value("Globex")
    keep(page, screenshots, "prep-new-problems")
    assert len(writes_to(sent, "/prep-sessions")) == before

    page.get_by_test_id("prep-job-title").fill("Analyst")
    page.get_by_test_id("prep-question-count").fill("2")
    page.get_by_test_id("prep-job-description").fill("SQL and dashboards.")
    page.get_by_test_id("create-prep-session").click()
    expect(page.get_by_role("heading", name="Globex · Analyst")).to_be_visible()
    expect(page.get_by_test_id("question-text")).to_have_count(2)


def test_targeted_practice_without_an_analysed_interview_says_what_to_do(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    page: Page = context.new_page()
    sign_in(page, stack, "prep-no-analysis")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Prep").click()
    page.get_by_test_id("targeted-practice").click()
    with stack.client("prep-no-analysis") as api:
        assert api.get("/practice/targeted").json()["answers_seen"] == 0
    expect(page.get_by_test_id("nothing-to-target")).to_contain_text("No analysed interviews yet")
    expect(page.get_by_test_id("start-targeted")).to_have_count(0)
    keep(page, screenshots, "prep-targeted-nothing")
