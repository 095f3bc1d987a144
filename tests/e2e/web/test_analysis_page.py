"""One interview's analysis in the browser, recorded and analysed by the real pipeline, every
figure checked against the API's JSON: the score and its breakdown, fillers by kind, the STAR
table and relevance of each question, the charts' points, a recommendation's moment that lands
on its transcript segment, the transcript's downloads, the PDF; and the warnings of a recording
that is not an interview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

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

USER = "web-analysis"
#: A phone's screen (Lighthouse's mobile one), where no chart is near the first screen.
PHONE = {"width": 412, "height": 823}


@pytest.fixture(scope="module")
def analysed(stack: Stack, sample: Path) -> dict[str, Any]:
    """The sample interview (a question, an answer with fillers), analysed: its id and its API JSON."""
    with stack.client(USER) as api:
        interview_id = upload_wav(api, sample, "Acme")
        wait_for_analysis(api, interview_id)
        return {
            "interview_id": interview_id,
            "analysis": api.get(f"/interviews/{interview_id}/analysis").json(),
            "metrics": api.get(f"/interviews/{interview_id}/metrics").json(),
            "transcript": api.get(f"/interviews/{interview_id}/transcript").json(),
        }


def open_analysis(page: Page, stack: Stack, interview_id: str) -> None:
    sign_in(page, stack, USER)
    page.goto(f"{stack.gateway.url}/review/{interview_id}")
    expect(page.get_by_test_id("overall-score")).to_be_visible(timeout=30_000)


def shown(value: float) -> str:
    """A figure as the page writes it: at most one decimal."""
    return f"{round(value, 1):g}"


def test_every_figure_of_the_analysis_is_the_apis(
    stack: Stack, context: BrowserContext, analysed: dict[str, Any], screenshots: Path
) -> None:
    analysis, metrics = analysed["analysis"], analysed["metrics"]
    page = context.new_page()
    open_analysis(page, stack, analysed["interview_id"])

    assert float(page.get_by_test_id("overall-score").inner_text()) == analysis["overall_score"]
    categories = page.get_by_test_id("category-score")
    expect(categories).to_have_count(len(analysis["scores"]))
    for name, score in analysis["scores"].items():
        expect(categories.and_(page.locator(f"[data-name={name}]"))).to_contain_text(shown(score))
    breakdown = analysis["speech"]["score_breakdown"]
    for name, score in breakdown.items():
        expect(page.locator(f'[data-testid="speech-part-score"][data-name="{name}"]')).to_contain_text(
            shown(score)
        )

    speech = analysis["speech"]
    assert speech["filler_words"], "the sample's answer has fillers"
    kinds = page.get_by_test_id("filler-kind")
    expect(kinds).to_have_count(len(speech["filler_words"]))
    for kind, count in speech["filler_words"].items():
        expect(page.locator(f'[data-testid="filler-kind"][data-kind="{kind}"] td')).to_have_text(str(count))
    expect(page.get_by_test_id("fillers-per-minute")).to_have_text(shown(speech["fillers_per_minute"]))
    expect(page.get_by_test_id("filler-total")).to_have_text(str(speech["filler_total"]))
    expect(page.get_by_test_id("pause-count")).to_have_text(str(speech["pause_count"]))
    expect(page.get_by_test_id("clarity")).to_have_text(shown(speech["clarity_score"]))

    turns = analysis["content"]["turns"]
    assert turns, "the sample asks a question"
    questions = page.get_by_test_id("question")
    expect(questions).to_have_count(len(turns))
    for question, turn in zip(questions.all(), turns, strict=True):
        expect(question.get_by_role("heading")).to_have_text(turn["question"])
        expect(question.get_by_test_id("relevance")).to_have_text(str(turn["relevance"]))
        expect(question.get_by_test_id("star-score")).to_have_text(str(turn["star"]["score"]))
        for part in ("situation", "task", "action", "result"):
            row = question.locator(f'[data-testid="star-part"][data-part="{part}"]')
            present = turn["star"][part]["present"]
            expect(row).to_have_attribute("data-present", str(present).lower())
            expect(row).to_contain_text("Yes" if present else "Missing")
            for evidence in turn["star"][part]["evidence"]:
                expect(row).to_contain_text(evidence["text"])

    # One point per segment measured; one per sentence of the answers; each chart drawn.
    expect(page.get_by_test_id("pace-chart-row")).to_have_count(metrics["count"])
    timeline = analysis["content"]["sentiment_timeline"]
    assert timeline
    expect(page.get_by_test_id("timeline-chart-row")).to_have_count(len(timeline))
    # The drawings, made as each nears the screen: a dot per point (the pace; the sentiment,
    # the timeline's first line).
    page.get_by_test_id("pace-chart").scroll_into_view_if_needed()
    expect(page.locator('[data-testid="pace-chart"] .recharts-line-dot')).to_have_count(metrics["count"])
    page.get_by_test_id("timeline-chart").scroll_into_view_if_needed()
    expect(page.locator('[data-testid="timeline-chart"] .recharts-line')).to_have_count(2)
    sentiment_dots = page.locator('[data-testid="timeline-chart"] .recharts-line-dots').first
    expect(sentiment_dots.locator(".recharts-line-dot")).to_have_count(len(timeline))
    first_pace = page.get_by_test_id("pace-chart-row").first
    expect(first_pace.locator("td")).to_have_text(shown(metrics["data"][0]["words_per_minute"]))

    expect(page.get_by_test_id("warning")).to_have_count(len(analysis["warnings"]))
    expect(page.get_by_test_id("recommendation")).to_have_count(len(analysis["recommendations"]))
    keep(page, screenshots, "analysis-page")


def test_printing_draws_every_chart_even_those_never_scrolled_near(
    stack: Stack, context: BrowserContext, analysed: dict[str, Any], screenshots: Path
) -> None:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    open_analysis(page, stack, analysed["interview_id"])
    expect(page.get_by_test_id("pace-chart-row")).to_have_count(analysed["metrics"]["count"])
    series = {"pace-chart": 1, "timeline-chart": 2}  # words per minute; sentiment and confidence
    expect(page.locator("figure.chart")).to_have_count(len(series))
    # Recharts comes when the browser is idle after load, and no chart is drawn before it nears.
    wait_for_the_drawing_module(page)
    assert [chart["plots"] for chart in drawn_charts(page)] == [0, 0]

    when_printed = print_to_pdf(page, screenshots / "analysis-print.pdf")
    for chart in when_printed:
        assert chart["plots"] == 1 and chart["lines"] == series[chart["chart"]], when_printed
        assert 0 < chart["width"] <= PRINTED_WIDTH, when_printed  # within the paper's margins
    # And they stay drawn on the screen after printing.
    after = drawn_charts(page)
    assert sum(chart["plots"] for chart in after) == len(series), after
    assert all(chart["lines"] == series[chart["chart"]] for chart in after), after


def test_a_recommendations_moment_lands_on_its_transcript_segment(
    stack: Stack, context: BrowserContext, analysed: dict[str, Any], screenshots: Path
) -> None:
    analysis, transcript = analysed["analysis"], analysed["transcript"]
    cited = [
        moment
        for recommendation in analysis["recommendation_moments"]
        for moment in recommendation["moments"]
    ]
    assert cited, analysis["recommendations"]  # the sample's recommendations cite moments
    page = context.new_page()
    open_analysis(page, stack, analysed["interview_id"])
    segments = page.get_by_test_id("transcript-segment")
    expect(segments).to_have_count(transcript["count"])

    # A search that finds nothing says so, and keeps the search; the moment brings everything back.
    page.get_by_test_id("transcript-search").fill("zeppelin")
    expect(page.get_by_test_id("transcript-count")).to_have_text(
        "No segment contains “zeppelin”. Clear the search to see the whole transcript."
    )
    expect(segments).to_have_count(0)

    links = page.get_by_test_id("moment-link")
    expect(links).to_have_count(len(cited))
    for index, moment in enumerate(cited):
        link = links.nth(index)
        expect(link).to_contain_text(moment["label"])
        if index == 0:
            link.click()
        else:  # by keyboard: focus the link, press Enter
            link.focus()
            page.keyboard.press("Enter")
        segment = page.locator(f'[data-testid="transcript-segment"][data-seq="{moment["seq"]}"]')
        expect(segment).to_be_focused()
        expect(segment).to_have_class("segment-target")
        expect(segment).to_be_in_viewport()
        held = next(row for row in transcript["segments"] if row["seq"] == moment["seq"])
        # The segment holds the moment's second, or is the first after a pause that does.
        assert held["start"] < moment["second"] + 1, (moment, held)
        assert held["end"] >= moment["second"] or held is transcript["segments"][-1], (moment, held)
        expect(page.get_by_test_id("transcript-search")).to_have_value("")
        expect(segments).to_have_count(transcript["count"])
        if index == 0:
            keep(page, screenshots, "analysis-moment")


def test_the_transcripts_and_the_pdf_are_what_the_api_gives(
    stack: Stack, context: BrowserContext, analysed: dict[str, Any]
) -> None:
    interview_id, analysis = analysed["interview_id"], analysed["analysis"]
    page = context.new_page()
    open_analysis(page, stack, interview_id)
    with stack.client(USER) as api:
        for transcript_format in ("txt", "vtt"):
            link = page.get_by_test_id(f"download-{transcript_format}")
            expect(link).to_have_attribute("download", f"transcript-{interview_id}.{transcript_format}")
            saved = saved_bytes(page, f"download-{transcript_format}").decode()
            assert saved == api.get(f"/interviews/{interview_id}/transcript.{transcript_format}").text
        assert saved.startswith("WEBVTT")

    expect(page.get_by_test_id("download-pdf")).to_have_attribute("download", f"analysis-{interview_id}.pdf")
    text = pdf_text(saved_bytes(page, "download-pdf"))
    assert f"Overall score {analysis['overall_score']:.0f} / 100" in text
    assert analysis["content"]["turns"][0]["question"][:30] in text.replace("\n", " ")


def test_a_download_still_being_prepared_says_so_and_stays_readable(
    stack: Stack, context: BrowserContext, analysed: dict[str, Any], screenshots: Path
) -> None:
    """The PDF is made on the server: until it has come, its button says it is being prepared,
    in text that keeps its contrast (it once faded below it)."""
    held: list[Route] = []
    page = context.new_page()
    page.route("**/analysis.pdf", lambda route: held.append(route))  # answered once the page is checked
    open_analysis(page, stack, analysed["interview_id"])
    preparing = page.locator('[aria-busy="true"]', has_text="Download PDF")
    expect(preparing).to_be_visible()
    expect(preparing).to_contain_text("(preparing)")
    keep(page, screenshots, "analysis-pdf-preparing")

    for route in held:
        route.continue_()
    expect(page.get_by_test_id("download-pdf")).to_have_attribute(
        "download", f"analysis-{analysed['interview_id']}.pdf"
    )


def test_a_recording_that_is_not_an_interview_says_so_plainly(
    stack: Stack, context: BrowserContext, screenshots: Path, tmp_path: Path
) -> None:
    # A few words, then a long silence: too little of it is speech to be an interview.
    words, silence, recording = (
        tmp_path / "words.wav",
        tmp_path / "silence.wav",
        tmp_path / "mostly_silence.wav",
    )
    synthesize.speak("Hello, this is a short test of the microphone.", words)
    synthesize.make_silence(silence, seconds=30)
    synthesize.join_with_pause([words, silence], recording, pause_seconds=0.5)
    with stack.client(USER) as api:
        interview_id = upload_wav(api, recording, "Not an interview")
        wait_for_analysis(api, interview_id)
        analysis = api.get(f"/interviews/{interview_id}/analysis").json()
    assert analysis["content"]["status"] == "not_an_interview", analysis
    assert analysis["warnings"]

    page = context.new_page()
    open_analysis(page, stack, interview_id)
    warnings = page.get_by_test_id("warning")
    expect(warnings).to_have_text(analysis["warnings"])
    expect(page.get_by_role("heading", name="Please note")).to_be_visible()
    expect(page.get_by_text("No category was scored")).to_be_visible()
    expect(page.get_by_test_id("question")).to_have_count(0)
    expect(page.get_by_text(analysis["content"]["message"])).to_have_count(2)  # the warning, the questions
    keep(page, screenshots, "analysis-not-an-interview")
