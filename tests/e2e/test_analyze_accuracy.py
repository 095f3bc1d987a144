"""Accuracy on the real stack, on clear synthetic speech whose every word and filler we wrote:
word error rate ≤ 8 %, um/uh counts within ±25 % of the reference, words per minute within
±10 % of the reference words over the speaking time."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import jiwer
import pytest
from prometheus_client.parser import text_string_to_metric_families

from dev import synthesize
from dev.polling import wait_until
from tests.e2e.conftest import Stack, analyze

pytestmark = [pytest.mark.stack, pytest.mark.slow]

HISTOGRAM = "ib_upload_to_analysis_seconds"
SPEECH_FIELDS = {"filler_words", "filler_total", "wpm", "pause_count", "long_pause_count", "clarity_score"}


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def filled_pauses(filler_words: dict[str, int]) -> int:
    return filler_words.get("um", 0) + filler_words.get("uh", 0)


def assert_pace_matches_reference(speech: dict[str, Any], reference_words: int) -> None:
    reference_wpm = reference_words / speech["speaking_seconds"] * 60
    assert speech["wpm"] == pytest.approx(reference_wpm, rel=0.10)


def upload_to_analysis(stack: Stack) -> tuple[float, float]:
    """How many analyses the worker's ``ib_upload_to_analysis_seconds`` has seen, and their sum."""
    found = {
        sample.name: sample.value
        for family in text_string_to_metric_families(httpx.get(f"{stack.worker.url}/metrics").text)
        for sample in family.samples
        if sample.name.startswith(HISTOGRAM)
    }
    return found.get(f"{HISTOGRAM}_count", 0.0), found.get(f"{HISTOGRAM}_sum", 0.0)


def test_the_demo_interview_is_analysed_end_to_end(stack: Stack, recordings: dict[str, Path]) -> None:
    question, answer = synthesize.read_sample(synthesize.SAMPLES_DIR / f"{synthesize.DEMO_SAMPLE}.txt")
    reference = f"{question} {answer}"
    seen_before, seconds_before = upload_to_analysis(stack)
    started = time.monotonic()

    analysis = analyze(
        stack, recordings["sample"], "--company", "Acme", "--job-title", "Engineer", "--type", "behavioral"
    )

    assert analysis.returncode == 0, analysis.stderr
    result = analysis.result
    assert result["status"] == "COMPLETED"
    assert set(result["speech"]) >= SPEECH_FIELDS
    assert 0 <= result["overall_score"] <= 100
    segments = result["transcript"]["segments"]
    assert segments and all(segment["words"] for segment in segments)
    assert [segment["start"] for segment in segments] == sorted(segment["start"] for segment in segments)
    for segment in segments:
        for word in segment["words"]:
            assert segment["start"] - 0.01 <= word["start"] <= word["end"] <= segment["end"] + 0.01
    # Two voices, the interviewer's en-gb one harder to hear; the 8 % target is held on the
    # answers in test_synthetic_answers_meet_the_accuracy_targets.
    assert word_error_rate(reference, result["transcript"]["text"]) <= 0.15
    expected_fillers = synthesize.count_fillers(reference)
    assert filled_pauses(result["speech"]["filler_words"]) == pytest.approx(
        expected_fillers["um"] + expected_fillers["uh"], rel=0.25
    )
    assert_pace_matches_reference(result["speech"], synthesize.count_words(reference))
    assert_content_reads_the_answer(result, question)
    # The operators' figure: the time from the upload to this analysis, within the command's own.
    seen, seconds = wait_until(
        lambda: (now := upload_to_analysis(stack))[0] > seen_before and now, 30, HISTOGRAM
    )
    assert seen == seen_before + 1
    assert 0 < seconds - seconds_before < time.monotonic() - started


def assert_content_reads_the_answer(result: dict[str, Any], question: str) -> None:
    """The interviewer's question is found, paired with the answer, and the answer is scored."""
    content = result["content"]
    assert content["status"] == "analysed"
    [turn] = content["turns"]
    # The greeting before it ("Thanks for coming in today.") is not part of the question.
    asked = [sentence for sentence in re.split(r"(?<=[.?!])\s+", question) if sentence.endswith("?")]
    assert word_error_rate(" ".join(asked), turn["question"]) <= 0.25
    assert turn["start"] < turn["end"] and turn["answer"]
    assert set(turn["star"]) >= {"situation", "task", "action", "result"}
    assert 0 <= turn["relevance"] <= 100
    assert content["sentiment_timeline"] and all(
        -1 <= p["sentiment"] <= 1 for p in content["sentiment_timeline"]
    )
    assert {"speech", "structure", "relevance", "confidence", "enthusiasm"} <= set(result["scores"])
    # Every recommendation is grounded: it cites a moment (m:ss) or a figure.
    assert result["recommendations"]
    for recommendation in result["recommendations"]:
        assert re.search(r"\d", recommendation), recommendation


def test_synthetic_answers_meet_the_accuracy_targets(stack: Stack, corpus: list[dict[str, Any]]) -> None:
    references: list[str] = []
    hypotheses: list[str] = []
    expected_filled_pauses = 0
    heard_filled_pauses = 0
    for entry in corpus:
        analysis = analyze(stack, entry["path"])
        assert analysis.returncode == 0, f"{entry['file']}: {analysis.stderr}"
        speech = analysis.result["speech"]
        references.append(entry["text"])
        hypotheses.append(analysis.result["transcript"]["text"])
        # The target holds over the corpus; one short answer may miss a word or two more.
        assert word_error_rate(entry["text"], hypotheses[-1]) <= 0.12, entry["file"]
        assert_pace_matches_reference(speech, entry["word_count"])
        expected_filled_pauses += entry["fillers"]["um"] + entry["fillers"]["uh"]
        heard_filled_pauses += filled_pauses(speech["filler_words"])
    overall = float(jiwer.wer([normalise(r) for r in references], [normalise(h) for h in hypotheses]))
    assert overall <= 0.08
    assert heard_filled_pauses == pytest.approx(expected_filled_pauses, rel=0.25)
