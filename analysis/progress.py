"""How an interview's state moves as its events arrive: a pure fold, no Kafka.

uploaded → transcribing (percent done and an ETA from the audio duration and the measured
speed) → analyzing → completed, or failed with a reason a user understands. A FAILED
``transcription.progress`` record fails it: the transcriber's, or the rollup's when segments
of the transcript never came (``error_code`` "transcript_incomplete"). A state never
goes backwards: a late or replayed event of an earlier stage changes nothing, and a
finished interview stays finished, until it is analysed again: an event of a later run
(:mod:`analysis.runs`) starts it over at uploaded, and one of an earlier run changes
nothing (see :func:`fold_in_run`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.runs import RunOrder, compare_runs, run_of

State = dict[str, Any]

UPLOADED = "UPLOADED"
TRANSCRIBING = "TRANSCRIBING"
ANALYZING = "ANALYZING"
COMPLETED = "COMPLETED"
FAILED = "FAILED"

_ORDER = {UPLOADED: 0, TRANSCRIBING: 1, ANALYZING: 2, COMPLETED: 3, FAILED: 3}
#: Share of the whole pipeline that transcription takes; the rest is analysis.
TRANSCRIPTION_SHARE = 90.0
#: Seconds the analysis is expected to take after the last segment.
ANALYSIS_SECONDS = 2.0

PROCESSING_ERROR_REASON = (
    "We could not finish analysing this recording because of a problem on our side. "
    "Nothing you uploaded was lost; please try again later."
)

#: What the interview's state says while a dependency of the transcriber (the blob store, the
#: speech service) cannot be reached: delayed, not failed; it clears once the work moves again.
DEPENDENCY_DELAYED_NOTICE = (
    "processing delayed: a service we rely on cannot be reached right now; "
    "your interview continues on its own once it is back, and nothing is lost"
)


def initial_state(interview_id: str, user_id: str, now_ms: int) -> State:
    return {
        "interview_id": interview_id,
        "user_id": user_id,
        "status": UPLOADED,
        "percent": 0.0,
        "eta_seconds": None,
        "audio_duration": None,
        "segments": 0,
        "error_code": None,
        "error_reason": None,
        "notice": None,
        "version": 0,
        "updated_at": now_ms,
        "run": 0,
    }


Fold = Callable[[State | None, dict[str, Any], int], State | None]


def fold_in_run(fold: Fold, state: State | None, event: dict[str, Any], now_ms: int) -> State | None:
    """``fold`` applied within the analysis runs: an event of an earlier run than the state's
    changes nothing; one of a later run (a re-analysis) folds into a fresh state of that run,
    whose version still grows, so no sink takes it for an old one."""
    order = compare_runs(state, event)
    if order is RunOrder.EARLIER:
        return state
    if state is not None and order is RunOrder.LATER:
        fresh = initial_state(state["interview_id"], state["user_id"], now_ms)
        state = {**fresh, "run": run_of(event), "version": state["version"] + 1}
        return fold(state, event, now_ms) or state
    after = fold(state, event, now_ms)
    if state is None and after is not None:
        return {**after, "run": run_of(event)}
    return after


def is_finished(state: State) -> bool:
    return state["status"] in (COMPLETED, FAILED)


def _advance(state: State, now_ms: int, **changes: Any) -> State:
    status = changes.get("status", state["status"])
    if is_finished(state) or _ORDER[status] < _ORDER[state["status"]]:
        return state
    return {**state, **changes, "version": state["version"] + 1, "updated_at": now_ms}


def _transcription_percent(processed: float, duration: float) -> float:
    if duration <= 0:
        return 0.0
    return round(min(processed / duration, 1.0) * TRANSCRIPTION_SHARE, 1)


def _eta(processed: float, duration: float, elapsed: float) -> float | None:
    """Seconds left, from the speed measured so far on this recording."""
    if processed <= 0 or duration <= 0 or elapsed <= 0:
        return None
    seconds_per_audio_second = elapsed / processed
    return round(max(duration - processed, 0.0) * seconds_per_audio_second + ANALYSIS_SECONDS, 1)


def on_uploaded(state: State | None, event: dict[str, Any], now_ms: int) -> State:
    if state is not None:
        return state
    return {**initial_state(event["interview_id"], event["user_id"], now_ms), "version": 1}


def on_transcription_progress(state: State | None, event: dict[str, Any], now_ms: int) -> State:
    state = state or initial_state(event["interview_id"], event["user_id"], now_ms)
    duration = float(event["audio_duration"])
    if event["stage"] == "FAILED":
        return _advance(
            state,
            now_ms,
            status=FAILED,
            eta_seconds=None,
            error_code=event.get("error_code") or "transcription_failed",
            error_reason=event.get("error_message") or PROCESSING_ERROR_REASON,
        )
    if event["stage"] == "DELAYED":
        notice = event.get("error_message") or DEPENDENCY_DELAYED_NOTICE
        return state if state.get("notice") == notice else _advance(state, now_ms, notice=notice)
    # Moving again clears the transcriber's own notice (not the content analyzer's).
    notice = None if state.get("notice") == DEPENDENCY_DELAYED_NOTICE else state.get("notice")
    processed = float(event["processed_seconds"])
    percent = _transcription_percent(processed, duration)
    if state["status"] == TRANSCRIBING and percent < state["percent"]:
        percent = state["percent"]  # a restarted transcription never shows progress going backwards
    return _advance(
        state,
        now_ms,
        status=TRANSCRIBING,
        audio_duration=duration or state["audio_duration"],
        percent=percent,
        eta_seconds=_eta(processed, duration, float(event["elapsed_seconds"])),
        notice=notice,
    )


def on_segment(state: State | None, segment: dict[str, Any], now_ms: int) -> State:
    state = state or initial_state(segment["interview_id"], segment["user_id"], now_ms)
    segments = max(state["segments"], segment["seq"] + 1)
    if segment["final"]:
        return _advance(
            state,
            now_ms,
            status=ANALYZING,
            segments=segments,
            audio_duration=segment["audio_duration"],
            percent=TRANSCRIPTION_SHARE,
            eta_seconds=ANALYSIS_SECONDS,
        )
    progressed = on_transcription_progress(
        state,
        {**segment, "stage": "PROGRESS"},
        now_ms,
    )
    if progressed is state:
        return state
    return {**progressed, "segments": segments}


def on_analysis_completed(state: State | None, analysis: dict[str, Any], now_ms: int) -> State:
    state = state or initial_state(analysis["interview_id"], analysis["user_id"], now_ms)
    return _advance(state, now_ms, status=COMPLETED, percent=100.0, eta_seconds=0.0, notice=None)


def on_answer_event(state: State | None, event: dict[str, Any], now_ms: int) -> State | None:
    """The content analyzer is waiting (DELAYED, with a notice for the user) or moving again.

    Only a notice changes: the status stays where the transcript's events put it.
    """
    if state is None:
        return None
    notice = event.get("notice") if event["kind"] == "DELAYED" else None
    if state.get("notice") == notice:
        return state
    return _advance(state, now_ms, notice=notice)


def on_dead_letter(state: State | None, interview_id: str, error_type: str, now_ms: int) -> State | None:
    """A message of this interview could not be processed: the interview has failed."""
    if state is None:
        return None  # nothing known of this interview, so no user to tell
    return _advance(
        state,
        now_ms,
        status=FAILED,
        eta_seconds=None,
        error_code="processing_error",
        error_reason=PROCESSING_ERROR_REASON,
    )
