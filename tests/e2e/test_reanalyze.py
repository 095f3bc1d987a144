"""`ib analyze FILE --again` on the real stack: a file analysed before is analysed anew (the
next run of its interview), with the same transcript and one more analysis, not two."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from dev.topic_records import collect_until
from tests.e2e.conftest import Stack, analyze
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_STATE

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-reanalyze"


def runs_completed(stack: Stack, interview_id: str, runs: int) -> list[int]:
    """The runs of the interview's analysis.completed records, once there are ``runs`` of them."""
    records = asyncio.run(
        collect_until(
            stack.worker.kafka_bootstrap,
            ANALYSIS_COMPLETED,
            stack.worker.topic_prefix,
            lambda seen: sum(r.key == interview_id.encode() and r.value is not None for r in seen) >= runs,
            timeout=60,
        )
    )
    return [
        r.decoded(ANALYSIS_COMPLETED)["run"] for r in records if r.key == interview_id.encode() and r.value
    ]


def test_a_file_analysed_before_is_analysed_again_on_request(
    stack: Stack, corpus: list[dict[str, Any]]
) -> None:
    recording = min(corpus, key=lambda entry: entry["duration_s"])["path"]
    first = analyze(stack, recording, user=USER)
    assert first.returncode == 0, first.stderr
    assert (first.result["status"], first.result["run"]) == ("COMPLETED", 0)

    again = analyze(stack, recording, "--again", user=USER)

    assert again.returncode == 0, again.stderr
    assert (again.result["status"], again.result["run"]) == ("COMPLETED", 1)
    assert "analysing it again (run 1)" in again.stderr
    assert again.result["transcript"] == first.result["transcript"]
    assert again.result["overall_score"] == first.result["overall_score"]
    original = first.result["interview_id"]
    with stack.client(USER) as client:
        duplicate = client.get(f"/interviews/{again.result['interview_id']}").json()
        assert duplicate["recording"]["duplicate_of"] == original
        status = client.get(f"/interviews/{original}/status").json()
    assert (status["status"], status["run"], status["percent"]) == ("COMPLETED", 1, 100.0)
    assert runs_completed(stack, original, 2) == [0, 1]

    # Without --again the same file shows the newest analysis, and starts none.
    shown = analyze(stack, recording, user=USER)
    assert shown.returncode == 0, shown.stderr
    assert shown.result["run"] == 1
    states = asyncio.run(
        collect_until(
            stack.worker.kafka_bootstrap,
            INTERVIEW_STATE,
            stack.worker.topic_prefix,
            lambda seen: any(r.key == original.encode() for r in seen),
        )
    )
    assert {r.decoded(INTERVIEW_STATE)["run"] for r in states if r.key == original.encode()} == {0, 1}
