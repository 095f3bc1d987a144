"""My progress across interviews in the browser: the empty state before any analysis; then two
recordings analysed by the real pipeline, each measure's change and each chart's points checked
against `/me/progress`, the filters narrowing them as the API does, filters in the address that
match nothing or are not known, and my history as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from dev import synthesize
from tests.e2e.conftest import Stack, upload_wav
from tests.e2e.web.pages import (
    PRINTED_WIDTH,
    drawn_charts,
    keep,
    pdf_text,
    print_to_pdf,
    saved_bytes,
    sign_in,
    wait_for_analysis,
    wait_for_the_drawing_module,
)

USER = "web-progress"
VERDICTS = {True: "Better", False: "Worse"}


@pytest.fixture(scope="module")
def two_analysed(stack: Stack, sample: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The sample at Acme (behavioral), then a two-voice interview at Globex (technical), analysed."""
    dialogue = tmp_path_factory.mktemp("progress") / "globex_interview.wav"
    lines = synthesize.DIALOGUES["dialogue_conflict"][:4]  # two questions and their answers
    synthesize.make_dialogue(lines, synthesize.DIALOGUE_VOICES["dialogue_conflict"], dialogue)
    ids = []
    with stack.client(USER) as api:
        for recording, company, interview_type in (
            (sample, "Acme", "behavioral"),
            (dialogue, "Globex", "technical"),
        ):
            interview_id = upload_wav(api, recording, company, interview_type=interview_type)
            wait_for_analysis(api, interview_id)  # one after the other: the order of the points
            ids.append(interview_id)
    return ids


def progress(stack: Stack, **filters: str) -> dict[str, Any]:
    with stack.client(USER) as api:
        answer = api.get("/me/progress", params=filters)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def shown(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 1):g}"


def expect_progress(page: Page, expected: dict[str, Any]) -> None:
    """The page shows these points and changes (the API's answer for the same filters)."""
    points = expected["points"]
    expect(page.get_by_test_id("progress-count")).to_contain_text(f"{len(points)} analysed interview")
    rows = page.get_by_test_id("measure-change")
    expect(rows).to_have_count(len(expected["changes"]))
    for change in expected["changes"]:
        row = page.locator(f'[data-testid="measure-change"][data-measure="{change["measure"]}"]')
        expect(row).to_contain_text(change["label"])
        expect(row).to_contain_text(f"{shown(change['first'])} → {shown(change['latest'])}")
        if change["change"]:
            expect(row.get_by_test_id("change-value")).to_have_text(f"{change['change']:+g}")
        if change["improved"] is not None:
            expect(row.get_by_test_id("change-verdict")).to_contain_text(VERDICTS[change["improved"]])
        chart_rows = page.get_by_test_id(f"trend-{change['measure']}-row")
        expect(chart_rows).to_have_count(len(points))
        for chart_row, point in zip(chart_rows.all(), points, strict=True):
            expect(chart_row.locator("td")).to_have_text(shown(point[change["measure"]]))


def test_before_any_analysis_the_page_says_what_to_do_first(
    stack: Stack, context: BrowserContext, screenshots: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, "web-progress-new")
    page.get_by_role("link", name="Progress").click()
    expect(page).to_have_url(f"{stack.gateway.url}/progress")
    empty = page.get_by_test_id("progress-empty")
    expect(empty).to_contain_text("No analysed interviews yet")
    expect(empty.get_by_role("link", name="New interview")).to_be_visible()
    expect(page.get_by_test_id("download-progress-pdf")).to_have_count(0)
    keep(page, screenshots, "progress-empty")


def test_my_trends_their_filters_and_my_history_as_a_pdf(
    stack: Stack, context: BrowserContext, two_analysed: list[str], screenshots: Path
) -> None:
    everything = progress(stack)
    assert [point["interview_id"] for point in everything["points"]] == two_analysed
    page = context.new_page()
    sign_in(page, stack, USER)
    page.get_by_role("link", name="Progress").click()
    expect_progress(page, everything)
    page.get_by_test_id("trend-overall_score").scroll_into_view_if_needed()  # drawn as it nears the screen
    expect(page.locator('[data-testid="trend-overall_score"] .recharts-line-dot')).to_have_count(2)
    keep(page, screenshots, "progress")

    text = pdf_text(saved_bytes(page, "download-progress-pdf"))
    latest = everything["points"][-1]["overall_score"]
    assert "Interview history" in text and "2 analysed interviews" in text
    assert f"{latest:.1f}".removesuffix(".0") in text

    # By keyboard: the company filter, then the type filter.
    page.get_by_test_id("filter-company").focus()
    page.keyboard.press("ArrowDown")  # Acme
    page.keyboard.press("ArrowDown")  # Globex
    expect(page).to_have_url(f"{stack.gateway.url}/progress?company=Globex")
    globex = progress(stack, company="Globex")
    assert [point["interview_id"] for point in globex["points"]] == two_analysed[1:]
    expect_progress(page, globex)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("filter-type")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first type there is: behavioral
    expect(page.get_by_test_id("progress-empty")).to_contain_text(
        "No analysed interview matches these filters"
    )
    assert progress(stack, company="Globex", interview_type="behavioral")["points"] == []
    page.get_by_role("button", name="Show all my interviews").click()
    expect(page).to_have_url(f"{stack.gateway.url}/progress")
    expect_progress(page, everything)

    page.get_by_test_id("filter-type").select_option("behavioral")
    behavioral = progress(stack, interview_type="behavioral")
    assert [point["interview_id"] for point in behavioral["points"]] == two_analysed[:1]
    expect_progress(page, behavioral)
    text = pdf_text(saved_bytes(page, "download-progress-pdf"))
    assert "1 analysed interview" in text


def test_printing_draws_every_trend_even_those_never_scrolled_near(
    stack: Stack, context: BrowserContext, two_analysed: list[str], screenshots: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, USER)
    page.get_by_role("link", name="Progress").click()
    measures = len(progress(stack)["changes"])
    expect(page.locator("figure.chart")).to_have_count(measures)
    wait_for_the_drawing_module(page)
    # The trends near the first screen are drawn, those below it not yet.
    expect(page.locator("figure.chart .recharts-line-curve").first).to_be_attached()
    assert 0 < sum(chart["plots"] for chart in drawn_charts(page)) < measures

    when_printed = print_to_pdf(page, screenshots / "progress-print.pdf")
    assert sum(chart["plots"] for chart in when_printed) == measures, when_printed
    for chart in when_printed:
        assert chart["lines"] == 1 and 0 < chart["width"] <= PRINTED_WIDTH, when_printed
    after = drawn_charts(page)
    assert sum(chart["plots"] for chart in after) == measures, after
    assert all(chart["lines"] == 1 for chart in after), after


def test_filters_in_the_address_that_match_nothing_or_are_unknown_are_said_and_lose_nothing(
    stack: Stack, context: BrowserContext, two_analysed: list[str], screenshots: Path
) -> None:
    page = context.new_page()
    sign_in(page, stack, USER)
    # An interview type the app does not know: said, and every interview shown.
    page.goto(f"{stack.gateway.url}/progress?type=chat")
    expect(page.get_by_test_id("filter-problem")).to_have_text(
        "“chat” is not an interview type we know, so interviews of every type are shown."
    )
    expect_progress(page, progress(stack))
    keep(page, screenshots, "progress-unknown-type")
    # A company with no analysed interview: said, kept in the filter, and one click shows all.
    page.goto(f"{stack.gateway.url}/progress?company=Initech")
    expect(page.get_by_test_id("progress-empty")).to_contain_text(
        "No analysed interview matches these filters"
    )
    expect(page.get_by_test_id("filter-company")).to_have_value("Initech")
    page.get_by_role("button", name="Show all my interviews").click()
    expect_progress(page, progress(stack))
