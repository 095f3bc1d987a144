"""`ib reprocess` without a broker: the versioned topics as a catalog family, the segments of
one run measured again, an interview whose inputs are gone said so, and the report's summary,
CSV and JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from analysis.content.offline_analyzer import OfflineAnalyzer
from analysis.content.star import PART_WEIGHTS
from dev.reprocess.answers import reanalyze
from dev.reprocess.recompute import recompute, segment_metrics
from dev.reprocess.report import ScoreChange, summarize, write_report
from topics.catalog import (
    ALL_TOPICS,
    ANALYSIS_COMPLETED,
    INTERVIEW_STATE,
    SEGMENT_METRICS,
    by_name,
    versioned_by_name,
    versioned_topic,
)


def test_versioned_topics_are_a_family_with_their_live_topics_settings() -> None:
    v2 = versioned_topic(ANALYSIS_COMPLETED, 2)
    assert v2.name == "analysis.completed.v2" and by_name("analysis.completed.v2") == v2
    assert v2.broker_config() == ANALYSIS_COMPLETED.broker_config()
    assert (v2.partitions, v2.value_schema) == (
        ANALYSIS_COMPLETED.partitions,
        ANALYSIS_COMPLETED.value_schema,
    )
    assert versioned_by_name("segment.metrics.v10") == versioned_topic(SEGMENT_METRICS, 10)
    assert v2 not in ALL_TOPICS  # made on demand, so not in the Strimzi manifests
    for name in (
        "analysis.completed.v1",
        "analysis.completed.vx",
        "interview.state.v2",
        "analysis.completed",
    ):
        assert versioned_by_name(name) is None, name
    with pytest.raises(ValueError, match="2 or more"):
        versioned_topic(ANALYSIS_COMPLETED, 1)
    with pytest.raises(KeyError):
        versioned_topic(INTERVIEW_STATE, 2)


def segment(seq: int, run: int = 0, final: bool = False) -> dict[str, Any]:
    start = seq * 3.0
    words = [
        {"word": word, "start": start + i * 0.4, "end": start + i * 0.4 + 0.3, "confidence": 0.9}
        for i, word in enumerate(["um", "I", "shipped", "it"])
    ]
    return {
        "interview_id": "i-1",
        "user_id": "u",
        "seq": seq,
        "start": start,
        "end": words[-1]["end"],
        "text": " ".join(w["word"] for w in words),
        "words": words,
        "confidence": 0.9,
        "engine": "test",
        "audio_duration": 9.0,
        "processed_seconds": words[-1]["end"],
        "elapsed_seconds": 0.1,
        "final": final,
        "run": run,
    }


def test_the_segments_of_the_run_are_measured_once_each_in_order() -> None:
    recorded = [segment(0), segment(1, run=1), segment(1), segment(0), segment(2, final=True)]
    metrics = segment_metrics(recorded, run=0)
    assert [m["seq"] for m in metrics] == [0, 1, 2]
    assert all(m["run"] == 0 for m in metrics) and metrics[-1]["final"]
    assert metrics[0]["filler_total"] == 1 and metrics[0]["word_count"] == 4
    assert [m["seq"] for m in segment_metrics(recorded, run=1)] == [1]


def test_an_interview_whose_inputs_are_gone_is_not_recomputed_and_says_why() -> None:
    gap = recompute("i-1", 0, [segment(0), segment(2, final=True)], [], completed_at_ms=0)
    assert gap.analysis is None and "segments [1]" in (gap.problem or "")
    no_final = recompute("i-1", 0, [segment(0)], [], completed_at_ms=0)
    assert no_final.analysis is None and "final transcript segment" in (no_final.problem or "")
    no_answers = recompute("i-1", 0, [segment(0), segment(1), segment(2, final=True)], [], completed_at_ms=0)
    assert no_answers.analysis is None and "answer.analysis" in (no_answers.problem or "")
    assert len(no_answers.metrics) == 3


ROWS = [
    ScoreChange("a", 0, 70.0, 72.5),
    ScoreChange("b", 1, 60.0, 60.0),
    ScoreChange("c", 0, 80.0, 74.0),
    ScoreChange("d", 0, 50.0, None, "its final transcript segment is no longer there"),
]


def test_the_summary_counts_changes_and_leaves_out_what_was_not_recomputed() -> None:
    summary = summarize(ROWS)
    assert (summary.count, summary.changed, summary.not_recomputed) == (3, 2, 1)
    assert (summary.mean_change, summary.min_change, summary.max_change) == (-1.17, -6.0, 2.5)
    assert summarize([]).mean_change is None


def test_the_report_as_csv_and_as_json(tmp_path: Path) -> None:
    write_report(tmp_path / "r.csv", ROWS, 2)
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text().splitlines()))
    assert [(r["interview_id"], r["change"]) for r in rows] == [
        ("a", "2.5"),
        ("b", "0.0"),
        ("c", "-6.0"),
        ("d", ""),
    ]
    assert rows[3]["problem"].startswith("its final")
    write_report(tmp_path / "r.json", ROWS, 2)
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["version"] == 2 and document["summary"]["changed"] == 2
    assert document["interviews"][2] == {
        "interview_id": "c",
        "run": 0,
        "old_score": 80.0,
        "new_score": 74.0,
        "problem": None,
        "change": -6.0,
    }


def turn(index: int, answer: str, kind: str = "TURN", run: int = 0) -> dict[str, Any]:
    words = [
        {"word": word, "start": 10.0 + i * 0.4, "end": 10.3 + i * 0.4, "confidence": 0.9}
        for i, word in enumerate(answer.split())
    ]
    return {
        "interview_id": "i-1",
        "user_id": "u",
        "kind": kind,
        "turn_index": index,
        "question": "Tell me about a time you missed a deadline?" if kind == "TURN" else "",
        "answer": answer,
        "start": 5.0,
        "end": words[-1]["end"] if words else 0.0,
        "question_end": 9.0,
        "answer_start": 10.0 if words else None,
        "asker": None,
        "answerer": None,
        "answer_words": words,
        "job_description": None,
        "speakers_known": False,
        "speakers_uncertain": False,
        "prep_session_id": "prep-1" if kind == "END" else None,
        "run": run,
    }


STORY = (
    "Last year our team had to ship a billing report by Friday. I was responsible for the data. "
    "I wrote a plan and asked two colleagues for help. As a result we shipped on Monday and the "
    "client renewed."
)


async def test_answers_read_again_are_the_content_agents_records_with_the_scoring_of_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    analyzer = OfflineAnalyzer()
    recorded = [
        turn(0, "I do not remember."),
        turn(0, STORY),
        turn(0, "an earlier run", run=1),
        turn(1, "", "END"),
    ]
    records = await reanalyze(recorded, 0, analyzer)
    assert [(r["kind"], r["turn_index"]) for r in records] == [("ANSWER", 0), ("END", 1)]
    answer, end = records
    assert answer["answer"] == STORY and answer["run"] == 0 and answer["sentiment"]
    assert end["prep_session_id"] == "prep-1"
    parts = {part for part in ("situation", "task", "action", "result") if answer["star"][part]["present"]}
    assert answer["star"]["score"] == sum(PART_WEIGHTS[part] for part in parts) > 0

    monkeypatch.setitem(PART_WEIGHTS, "action", 0)
    monkeypatch.setitem(PART_WEIGHTS, "result", 0)
    again, _ = await reanalyze(recorded, 0, analyzer)
    assert again["star"]["score"] == sum(PART_WEIGHTS[part] for part in parts) < answer["star"]["score"]
