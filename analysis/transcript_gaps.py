"""Whether every segment of a transcript has come, and how long to wait for the rest: pure.

The final segment's ``seq`` says how many segments there are (0 to it). An interview whose
final segment came before some of its predecessors waits for them (a record read late, a
retried transcription), at most :func:`wait_seconds` from when the final one came; past
that it fails with :func:`incomplete_reason`, never completed with holes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.runs import run_of

#: ``error_code`` of an interview failed because its transcript has holes.
INCOMPLETE_TRANSCRIPT = "transcript_incomplete"
#: Past this many separate gaps, the reason counts the missing parts instead of naming them.
NAMED_GAPS = 3


def missing_seqs(seen: Iterable[int], final_seq: int) -> list[int]:
    """The seqs of 0..``final_seq`` not in ``seen``, in order."""
    have = set(seen)
    return [seq for seq in range(final_seq + 1) if seq not in have]


def wait_seconds(audio_duration: float, *, minimum: float, per_audio_second: float) -> float:
    """How long missing segments are waited for: longer for a longer recording (a retried
    transcription takes time in proportion), never less than ``minimum``."""
    return max(minimum, per_audio_second * max(audio_duration, 0.0))


def deadline_ms(now_ms: int, audio_duration: float, *, minimum: float, per_audio_second: float) -> int:
    """When, in epoch milliseconds, a wait that starts at ``now_ms`` ends."""
    seconds = wait_seconds(audio_duration, minimum=minimum, per_audio_second=per_audio_second)
    return now_ms + round(seconds * 1000)


def overdue(waits: Iterable[tuple[str, Mapping[str, Any]]], now_ms: int, owned: set[int]) -> list[str]:
    """The interviews whose wait (``{"deadline_ms", "partition"}``) has ended, among those
    on a partition in ``owned``."""
    return [
        interview_id
        for interview_id, wait in waits
        if wait["partition"] in owned and wait["deadline_ms"] <= now_ms
    ]


def _runs(seqs: list[int]) -> list[tuple[int, int]]:
    """Consecutive seqs as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for seq in sorted(seqs):
        if runs and seq == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], seq)
        else:
            runs.append((seq, seq))
    return runs


def _named(runs: list[tuple[int, int]]) -> str:
    """Runs of 0-based seqs as a reader counts them: "1–3", "2", "1, 4 and 6–7"."""
    names = [f"{first + 1}" if first == last else f"{first + 1}–{last + 1}" for first, last in runs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def incomplete_reason(missing: list[int], segment_count: int) -> str:
    """What a job seeker is told when parts of the transcript never came."""
    runs = _runs(missing)
    if len(runs) > NAMED_GAPS:
        which = f"{len(missing)} of its {segment_count} parts"
    elif len(missing) == 1:
        which = f"part {_named(runs)} of {segment_count}"
    else:
        which = f"parts {_named(runs)} of {segment_count}"
    return (
        f"The transcript of this recording is incomplete: {which} never reached the analysis, "
        "so we stopped rather than score only some of what you said. "
        "Your recording is safe; please try again."
    )


def incomplete_transcript_event(
    final_metrics: Mapping[str, Any], missing: list[int], now_ms: int | None = None
) -> dict[str, Any]:
    """The ``transcription.progress`` FAILED record that fails the interview with the reason
    (the state agent folds it as it folds the transcriber's own failures)."""
    duration = float(final_metrics.get("audio_duration") or final_metrics["end"])
    return {
        "interview_id": final_metrics["interview_id"],
        "user_id": final_metrics["user_id"],
        "stage": "FAILED",
        "audio_duration": duration,
        "processed_seconds": duration,
        "elapsed_seconds": 0.0,
        "error_code": INCOMPLETE_TRANSCRIPT,
        "error_message": incomplete_reason(missing, int(final_metrics["seq"]) + 1),
        "emitted_at": int(time.time() * 1000) if now_ms is None else now_ms,
        "run": run_of(final_metrics),
    }
