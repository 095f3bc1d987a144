"""The interview's state as the user sees it, event by event."""

from __future__ import annotations

from analysis import progress

NOW = 1_700_000_000_000


def uploaded() -> dict[str, object]:
    return {"interview_id": "i1", "user_id": "u1"}


def transcription(
    stage: str, processed: float, duration: float = 100.0, elapsed: float = 10.0, **extra: object
) -> dict[str, object]:
    return {
        "interview_id": "i1",
        "user_id": "u1",
        "stage": stage,
        "audio_duration": duration,
        "processed_seconds": processed,
        "elapsed_seconds": elapsed,
        **extra,
    }


def segment(seq: int, end: float, final: bool = False) -> dict[str, object]:
    return {
        "interview_id": "i1",
        "user_id": "u1",
        "seq": seq,
        "audio_duration": 100.0,
        "processed_seconds": end,
        "elapsed_seconds": end / 5,
        "final": final,
    }


def test_upload_starts_the_interview_as_uploaded() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    assert state["status"] == progress.UPLOADED
    assert state["percent"] == 0.0
    assert state["version"] == 1


def test_transcription_reports_percent_and_eta_from_measured_speed() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    state = progress.on_transcription_progress(
        state, transcription("PROGRESS", processed=50.0, elapsed=10.0), NOW
    )
    assert state["status"] == progress.TRANSCRIBING
    assert state["percent"] == 45.0  # half the audio is 90 % of the pipeline's first part
    # 10 s for 50 s of audio: the other 50 s take 10 s more, plus the analysis.
    assert state["eta_seconds"] == 10.0 + progress.ANALYSIS_SECONDS


def test_progress_never_goes_backwards_after_a_restarted_transcription() -> None:
    state = progress.on_transcription_progress(None, transcription("PROGRESS", processed=60.0), NOW)
    again = progress.on_transcription_progress(state, transcription("PROGRESS", processed=10.0), NOW)
    assert again["percent"] == state["percent"]


def test_final_segment_moves_to_analyzing_then_analysis_completes() -> None:
    state = progress.on_segment(None, segment(0, 40.0), NOW)
    assert state["segments"] == 1
    state = progress.on_segment(state, segment(1, 100.0, final=True), NOW)
    assert state["status"] == progress.ANALYZING
    assert state["segments"] == 2
    done = progress.on_analysis_completed(state, {"interview_id": "i1", "user_id": "u1"}, NOW)
    assert done["status"] == progress.COMPLETED
    assert done["percent"] == 100.0


def test_a_finished_interview_stays_finished_when_old_events_replay() -> None:
    done = progress.on_analysis_completed(None, {"interview_id": "i1", "user_id": "u1"}, NOW)
    replayed = progress.on_segment(done, segment(0, 40.0), NOW)
    assert replayed is done
    assert progress.on_transcription_progress(done, transcription("FAILED", 0.0), NOW) is done


def test_failure_carries_the_reason_written_for_the_user() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    failed = progress.on_transcription_progress(
        state,
        transcription("FAILED", 0.0, error_code="no_speech", error_message="We could not hear any speech."),
        NOW,
    )
    assert failed["status"] == progress.FAILED
    assert failed["error_code"] == "no_speech"
    assert failed["error_reason"] == "We could not hear any speech."
    assert failed["version"] > state["version"]


def test_dead_letter_fails_a_known_interview_with_a_plain_reason() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    failed = progress.on_dead_letter(state, "i1", "KeyError", NOW)
    assert failed is not None
    assert failed["status"] == progress.FAILED
    assert "problem on our side" in failed["error_reason"]
    assert progress.on_dead_letter(None, "unknown", "KeyError", NOW) is None


def test_every_change_raises_the_version_so_sinks_never_go_backwards() -> None:
    versions = []
    state = progress.on_uploaded(None, uploaded(), NOW)
    versions.append(state["version"])
    for processed in (10.0, 20.0, 30.0):
        state = progress.on_transcription_progress(state, transcription("PROGRESS", processed), NOW)
        versions.append(state["version"])
    assert versions == sorted(set(versions))


def test_a_delayed_analysis_shows_its_notice_until_the_analyzer_moves_again() -> None:
    state = progress.on_segment(
        progress.on_uploaded(None, uploaded(), NOW), segment(0, 100.0, final=True), NOW
    )
    busy = {"kind": "DELAYED", "notice": "analysis delayed by high demand"}
    delayed = progress.on_answer_event(state, busy, NOW + 1)
    assert delayed is not None
    assert (delayed["status"], delayed["notice"]) == ("ANALYZING", "analysis delayed by high demand")
    assert progress.on_answer_event(delayed, busy, NOW + 2) is delayed
    moving = progress.on_answer_event(delayed, {"kind": "ANSWER"}, NOW + 3)
    assert moving is not None and moving["notice"] is None and moving["version"] > delayed["version"]
    done = progress.on_analysis_completed(delayed, {"interview_id": "i1", "user_id": "u1"}, NOW + 4)
    assert (done["status"], done["notice"]) == ("COMPLETED", None)


def test_an_unreachable_dependency_delays_the_interview_and_moving_again_clears_it() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    waiting = transcription("DELAYED", processed=0.0, duration=0.0, error_code="dependency_unreachable")
    delayed = progress.on_transcription_progress(state, waiting, NOW + 1)
    assert delayed["status"] == progress.UPLOADED  # delayed, never failed
    assert delayed["notice"] == progress.DEPENDENCY_DELAYED_NOTICE and "delayed" in delayed["notice"]
    assert progress.on_transcription_progress(delayed, waiting, NOW + 2) is delayed  # said once
    started = progress.on_transcription_progress(delayed, transcription("STARTED", processed=0.0), NOW + 3)
    assert started["status"] == progress.TRANSCRIBING and started["notice"] is None


def test_moving_transcription_keeps_the_content_analyzers_notice() -> None:
    state = progress.on_uploaded(None, uploaded(), NOW)
    busy = progress.on_answer_event(
        state, {"kind": "DELAYED", "notice": "analysis delayed by high demand"}, NOW
    )
    assert busy is not None
    moving = progress.on_transcription_progress(busy, transcription("PROGRESS", processed=50.0), NOW + 1)
    assert moving["notice"] == "analysis delayed by high demand"
