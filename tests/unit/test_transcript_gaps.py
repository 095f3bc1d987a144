"""An analysis is closed only on a whole transcript: which segments are missing, how long
they are waited for, what the user is told when they never come."""

from __future__ import annotations

from typing import Any

from analysis import progress
from analysis.parts import is_complete, missing
from analysis.transcript_gaps import (
    INCOMPLETE_TRANSCRIPT,
    deadline_ms,
    incomplete_reason,
    incomplete_transcript_event,
    missing_seqs,
    overdue,
    wait_seconds,
)

NOW = 1_700_000_000_000


def final_metrics(seq: int = 5, audio_duration: float = 53.0) -> dict[str, Any]:
    return {
        "interview_id": "i1",
        "user_id": "u1",
        "seq": seq,
        "end": audio_duration - 1.0,
        "audio_duration": audio_duration,
        "final": True,
    }


def parts(**changes: Any) -> dict[str, Any]:
    base = {
        "final_metrics": final_metrics(),
        "answers": {"0": {"turn_index": 0}},
        "end": {"kind": "END", "turn_index": 1},
        "sent": False,
        "failed": False,
    }
    return {**base, **changes}


def test_missing_seqs_are_those_from_zero_to_the_final_not_seen() -> None:
    assert missing_seqs({3, 4, 5}, 5) == [0, 1, 2]
    assert missing_seqs({0, 2, 5, 4}, 5) == [1, 3]
    assert missing_seqs(range(6), 5) == []
    assert missing_seqs({0}, 0) == []


def test_seqs_past_the_final_do_not_stand_for_missing_ones() -> None:
    # A longer earlier run of the same recording left seq 6; segment 2 is still missing.
    assert missing_seqs({0, 1, 3, 4, 5, 6}, 5) == [2]


def test_the_wait_scales_with_the_recording_and_has_a_floor() -> None:
    assert wait_seconds(10.0, minimum=60.0, per_audio_second=2.0) == 60.0
    assert wait_seconds(53.0, minimum=60.0, per_audio_second=2.0) == 106.0
    assert wait_seconds(1800.0, minimum=60.0, per_audio_second=2.0) == 3600.0
    assert wait_seconds(-1.0, minimum=5.0, per_audio_second=2.0) == 5.0
    assert deadline_ms(NOW, 53.0, minimum=60.0, per_audio_second=2.0) == NOW + 106_000


def test_only_waits_past_their_deadline_on_owned_partitions_are_overdue() -> None:
    waits = [
        ("past-mine", {"deadline_ms": NOW - 1, "partition": 3}),
        ("now-mine", {"deadline_ms": NOW, "partition": 0}),
        ("future-mine", {"deadline_ms": NOW + 1, "partition": 3}),
        ("past-standby", {"deadline_ms": NOW - 1, "partition": 4}),
    ]
    assert overdue(waits, NOW, owned={0, 3}) == ["past-mine", "now-mine"]
    assert overdue(waits, NOW, owned=set()) == []


def test_the_reason_names_the_missing_parts_as_a_reader_counts_them() -> None:
    reason = incomplete_reason([0, 1, 2], 6)
    assert reason.startswith("The transcript of this recording is incomplete: parts 1–3 of 6 never")
    assert reason.endswith("please try again.")
    assert "part 2 of 6 " in incomplete_reason([1], 6)
    assert "parts 1, 3 and 5–6 of 8 " in incomplete_reason([0, 2, 4, 5], 8)
    assert "5 of its 40 parts " in incomplete_reason([1, 3, 5, 7, 9], 40)


def test_the_failure_event_is_a_transcription_failure_with_the_reason() -> None:
    event = incomplete_transcript_event(final_metrics(), [0, 1, 2], now_ms=NOW)
    assert event["stage"] == "FAILED"
    assert event["error_code"] == INCOMPLETE_TRANSCRIPT
    assert "parts 1–3 of 6" in event["error_message"]
    assert (event["interview_id"], event["user_id"], event["emitted_at"]) == ("i1", "u1", NOW)


def test_the_state_folds_the_failure_into_failed_with_the_reason() -> None:
    state = progress.on_segment(
        None,
        {"interview_id": "i1", "user_id": "u1", "seq": 5, "audio_duration": 53.0, "final": True},
        NOW,
    )
    assert state["status"] == progress.ANALYZING
    event = incomplete_transcript_event(final_metrics(), [0, 1, 2], now_ms=NOW)
    failed = progress.on_transcription_progress(state, event, NOW + 1)
    assert failed["status"] == progress.FAILED
    assert failed["error_code"] == INCOMPLETE_TRANSCRIPT
    assert failed["error_reason"] == event["error_message"]
    # A completion that came after all the same changes nothing.
    done = progress.on_analysis_completed(failed, {"interview_id": "i1", "user_id": "u1"}, NOW + 2)
    assert done["status"] == progress.FAILED


def test_the_rollup_completes_only_with_every_segment_and_answer() -> None:
    assert missing(parts(), frozenset({3, 4, 5})) == [0, 1, 2]
    assert not is_complete(parts(), frozenset({3, 4, 5}))
    assert is_complete(parts(), frozenset(range(6)))
    assert not is_complete(parts(end=None), frozenset(range(6)))
    assert not is_complete(parts(answers={}), frozenset(range(6)))
    assert not is_complete(parts(final_metrics=None), frozenset(range(6)))


def test_a_failed_interview_is_not_completed_when_the_gap_fills_later() -> None:
    assert not is_complete(parts(failed=True), frozenset(range(6)))


def test_entries_stored_before_the_failed_flag_still_read() -> None:
    stored = parts()
    del stored["failed"]
    assert is_complete(stored, frozenset(range(6)))
