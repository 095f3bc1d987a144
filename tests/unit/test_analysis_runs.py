"""An interview analysed again: each consumer's fold starts afresh at the later run and drops
late records of the earlier one, so the new analysis is made of the new run's records only."""

from __future__ import annotations

from typing import Any

from analysis import progress
from analysis.runs import RunOrder, compare_runs
from analysis.speech.running_counts import fold_segment as measure
from analysis.turns import fold_segment as pair
from tests.unit.test_interview_progress import NOW, segment, transcription, uploaded
from tests.unit.test_speech_batch import segment as spoken
from tests.unit.test_turn_tracking import segments as script


def in_run(record: dict[str, Any], run: int) -> dict[str, Any]:
    return {**record, "run": run}


def completed_state() -> dict[str, Any]:
    state = progress.fold_in_run(progress.on_uploaded, None, uploaded(), NOW)
    state = progress.fold_in_run(progress.on_segment, state, segment(0, 100.0, final=True), NOW)
    state = progress.fold_in_run(progress.on_analysis_completed, state, {"interview_id": "i1"}, NOW)
    assert state is not None and state["status"] == progress.COMPLETED and state["run"] == 0
    return state


def test_records_without_a_run_are_of_the_first() -> None:
    assert compare_runs(None, {"run": 4}) is RunOrder.SAME
    assert compare_runs({}, {}) is RunOrder.SAME
    assert compare_runs({"run": 1}, {}) is RunOrder.EARLIER
    assert compare_runs({"run": 1}, {"run": 2}) is RunOrder.LATER


def test_a_reanalysis_starts_a_completed_interview_over_at_uploaded() -> None:
    done = completed_state()
    again = progress.fold_in_run(progress.on_uploaded, done, in_run(uploaded(), 1), NOW + 1)
    assert again is not None
    assert (again["status"], again["percent"], again["run"]) == (progress.UPLOADED, 0.0, 1)
    assert again["version"] > done["version"]  # the sinks take it as newer
    moving = progress.fold_in_run(
        progress.on_transcription_progress, again, in_run(transcription("PROGRESS", 50.0), 1), NOW + 2
    )
    assert moving is not None and moving["status"] == progress.TRANSCRIBING


def test_late_records_of_the_earlier_run_change_nothing() -> None:
    again = progress.fold_in_run(progress.on_uploaded, completed_state(), in_run(uploaded(), 1), NOW + 1)
    late_completion = progress.fold_in_run(progress.on_analysis_completed, again, {"interview_id": "i1"}, NOW)
    late_failure = progress.fold_in_run(
        progress.on_transcription_progress, again, transcription("FAILED", 0.0), NOW
    )
    assert late_completion is again
    assert late_failure is again


def test_a_record_of_a_later_run_starts_the_state_even_before_its_upload_event() -> None:
    state = progress.fold_in_run(progress.on_segment, completed_state(), in_run(segment(0, 40.0), 2), NOW)
    assert state is not None
    assert (state["status"], state["run"], state["segments"]) == (progress.TRANSCRIBING, 2, 1)


def test_turns_are_paired_again_in_a_later_run_and_not_from_an_earlier_one() -> None:
    state: dict[str, Any] | None = None
    first_turns = []
    for part in script():
        folded = pair(state, part)
        state, first_turns = folded.state, first_turns + folded.turns
    assert state is not None and state["finished"]
    # The same transcript in run 1: every turn again, and the END count.
    again_turns, count = [], None
    for part in script():
        folded = pair(state, in_run(part, 1))
        state, again_turns = folded.state, again_turns + folded.turns
        count = folded.turn_count if folded.turn_count is not None else count
    assert [turn["question"] for turn in again_turns] == [turn["question"] for turn in first_turns]
    assert count == len(first_turns)
    # A replayed segment of run 0 does not touch run 1's state.
    late = pair(state, script()[0])
    assert late.turns == [] and late.turn_count is None and late.state is state


def test_speech_counts_start_afresh_in_a_later_run_and_ignore_an_earlier_one() -> None:
    entry, _ = measure(None, spoken("a", 0, "Um, I led the team, like, really well."))
    entry, _ = measure(entry, spoken("a", 1, "Uh, so we, um, shipped it."))
    assert entry is not None and entry["counts"].filler_words["um"] == 2
    entry, metrics = measure(entry, in_run(spoken("a", 0, "Um, I led the team, like, really well."), 1))
    assert entry is not None and metrics is not None
    assert (entry["run"], metrics["run"], entry["counts"].filler_words["um"]) == (1, 1, 1)
    late_entry, late_metrics = measure(entry, spoken("a", 1, "Uh, so we, um, shipped it."))
    assert late_metrics is None and late_entry is entry
