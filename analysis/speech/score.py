"""The speech score of an interview, and recommendations that cite its figures.

Each part of the score is 0..100 on a piecewise-linear curve (straight lines between the
points below, flat beyond the ends):

- pace, words per minute of speaking time: best at 130-160, which listeners find
  confident and easy to follow; 60 at 100 and at 180, where it starts to sound halting
  or rushed; 0 at 60 and at 240.
- fillers per minute of speaking time: 100 up to 1, 75 at 3, 50 at 5, 15 at 8 (poor), 0
  from 12.
- pauses, long pauses (2 s or more) per minute of speaking time: 100 up to 0.25 (a few
  pauses to think are normal in an interview), 75 at 1, 40 at 2, 0 from 4.
- clarity: the section's clarity score as it is.

The overall score weighs fillers and pace most, because listeners notice them most;
clarity less, as it also reflects the recording, not only the speaker. With no
recognised words there is nothing to score and every part is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from analysis.moments import clock
from analysis.speech.fillers import FILLER_KINDS, HESITATION_KINDS

PACE_CURVE = ((60.0, 0.0), (100.0, 60.0), (130.0, 100.0), (160.0, 100.0), (180.0, 60.0), (240.0, 0.0))
FILLER_CURVE = ((1.0, 100.0), (3.0, 75.0), (5.0, 50.0), (8.0, 15.0), (12.0, 0.0))
LONG_PAUSE_CURVE = ((0.25, 100.0), (1.0, 75.0), (2.0, 40.0), (4.0, 0.0))
WEIGHTS = {"pace": 0.3, "fillers": 0.35, "pauses": 0.15, "clarity": 0.2}
#: A part scoring at least this is good, and gets no recommendation.
GOOD_SCORES = {"pace": 80.0, "fillers": 80.0, "pauses": 80.0, "clarity": 70.0}
IDEAL_WPM = (130, 160)
#: Fillers are dense where this many seconds hold the most of them.
DENSE_WINDOW_SECONDS = 30.0
#: A dense stretch is worth citing only with at least this many fillers in it.
DENSE_MIN_FILLERS = 3

_HESITATIONS = frozenset(HESITATION_KINDS)
_HEDGES = frozenset({"kind of", "sort of"})
_KIND_ORDER = {kind: position for position, kind in enumerate(FILLER_KINDS)}


def _on_curve(value: float, curve: Sequence[tuple[float, float]]) -> float:
    if value <= curve[0][0]:
        return curve[0][1]
    for (left_x, left_y), (right_x, right_y) in pairwise(curve):
        if value <= right_x:
            return left_y + (right_y - left_y) * (value - left_x) / (right_x - left_x)
    return curve[-1][1]


def pace_score(wpm: float) -> float:
    return round(_on_curve(wpm, PACE_CURVE), 1)


def filler_score(fillers_per_minute: float) -> float:
    return round(_on_curve(fillers_per_minute, FILLER_CURVE), 1)


def pause_score(long_pauses_per_minute: float) -> float:
    return round(_on_curve(long_pauses_per_minute, LONG_PAUSE_CURVE), 1)


def long_pauses_per_minute(section: Mapping[str, Any]) -> float:
    speaking_seconds = float(section["speaking_seconds"])
    return int(section["long_pause_count"]) / speaking_seconds * 60.0 if speaking_seconds > 0 else 0.0


def score_breakdown(section: Mapping[str, Any]) -> dict[str, float]:
    """pace, fillers, pauses, clarity: each 0..100."""
    if int(section["word_count"]) == 0:
        return dict.fromkeys(WEIGHTS, 0.0)
    return {
        "pace": pace_score(float(section["wpm"])),
        "fillers": filler_score(float(section["fillers_per_minute"])),
        "pauses": pause_score(long_pauses_per_minute(section)),
        "clarity": round(min(100.0, max(0.0, float(section["clarity_score"]))), 1),
    }


def score_speech(section: Mapping[str, Any]) -> tuple[float, dict[str, float]]:
    """(speech_score, score_breakdown) of a ``SpeechSection`` that has no scores yet."""
    breakdown = score_breakdown(section)
    overall = sum(WEIGHTS[part] * score for part, score in breakdown.items())
    return round(overall, 1), breakdown


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def densest_stretch(filler_events: Sequence[Mapping[str, Any]]) -> tuple[float, float, int] | None:
    """(first start, last end, count) of the ``DENSE_WINDOW_SECONDS`` holding the most
    fillers (the earliest on a tie), or None when no window holds ``DENSE_MIN_FILLERS``."""
    events = sorted(filler_events, key=lambda event: float(event["start"]))
    best: tuple[float, float, int] | None = None
    last = 0
    for first, event in enumerate(events):
        last = max(last, first)
        while (
            last + 1 < len(events)
            and float(events[last + 1]["start"]) - float(event["start"]) <= DENSE_WINDOW_SECONDS
        ):
            last += 1
        count = last - first + 1
        if count >= DENSE_MIN_FILLERS and (best is None or count > best[2]):
            best = (float(event["start"]), float(events[last]["end"]), count)
    return best


def _filler_advice(kind: str) -> str:
    if kind in _HESITATIONS:
        return (
            "Pause silently instead of filling the gap: a short silence sounds more confident than a sound."
        )
    if kind in _HEDGES:
        return (
            f"Say what you did without softening it: \u201cI led it\u201d, not \u201cI {kind} led it\u201d."
        )
    return (
        f"Drop {_quoted(kind)} as a connector: finish the sentence, take a breath, then start the next one."
    )


def _most_frequent(filler_words: Mapping[str, int]) -> tuple[list[str], int]:
    """The kinds said most often (hesitations first on a tie), and how often."""
    top = max(filler_words.values())
    tied = [kind for kind, count in filler_words.items() if count == top]
    return sorted(tied, key=lambda kind: (_KIND_ORDER.get(kind, len(_KIND_ORDER)), kind)), top


def _filler_recommendation(section: Mapping[str, Any], filler_events: Sequence[Mapping[str, Any]]) -> str:
    kinds, count = _most_frequent(section["filler_words"])
    total, per_minute = int(section["filler_total"]), float(section["fillers_per_minute"])
    if len(section["filler_words"]) == 1:
        text = f"You said {_quoted(kinds[0])} {_times(count)} ({per_minute:.1f} per minute of speech)."
    else:
        text = f"You used {total} filler words ({per_minute:.1f} per minute of speech)"
        if count > 1:
            named = " and ".join(_quoted(kind) for kind in kinds)
            text += f", most often {named} ({count} times{' each' if len(kinds) > 1 else ''})"
        text += "."
    stretch = densest_stretch(filler_events)
    if stretch is not None:
        start, end, in_stretch = stretch
        text += f" The densest stretch was {clock(start)}\u2013{clock(end)}, with {in_stretch} fillers."
    return f"{text} {_filler_advice(kinds[0])}"


def _pace_recommendation(section: Mapping[str, Any]) -> str:
    wpm = float(section["wpm"])
    low, high = IDEAL_WPM
    if wpm < low:
        return (
            f"Your pace was {wpm:.0f} words per minute, slower than the {low}\u2013{high} that keeps a "
            "listener engaged. Rehearse your main stories aloud until they flow, and keep sentences short."
        )
    return (
        f"Your pace was {wpm:.0f} words per minute, faster than the {low}\u2013{high} that is easy to "
        "follow. Slow down and let each key point land with a brief pause after it."
    )


def _pause_recommendation(section: Mapping[str, Any], long_pauses: Sequence[Mapping[str, Any]]) -> str:
    count = int(section["long_pause_count"])
    text = (
        f"You paused for 2 seconds or more {_times(count)} "
        f"({long_pauses_per_minute(section):.1f} per minute of speech)"
    )
    if long_pauses:
        longest = max(long_pauses, key=lambda pause: float(pause["seconds"]))
        text += f"; the longest was {float(longest['seconds']):.1f} s at {clock(float(longest['start']))}"
    return (
        f"{text}. A short pause to think is fine; for a longer one, say \u201cLet me think about that "
        "for a moment\u201d so the silence has a reason, and prepare examples you can reach for quickly."
    )


def _clarity_recommendation(section: Mapping[str, Any]) -> str:
    return (
        f"Clarity was {float(section['clarity_score']):.0f}/100: parts of your answers were hard to make "
        "out. Face the microphone, speak a little louder and finish the ends of your words."
    )


def speech_recommendations(
    section: Mapping[str, Any],
    filler_events: Sequence[Mapping[str, Any]],
    long_pauses: Sequence[Mapping[str, Any]],
) -> list[str]:
    """One recommendation per part of the speech score that is not good, weakest first.

    ``filler_events`` and ``long_pauses`` are the ``FillerEvent`` and ``Pause`` records of
    the whole interview, so a recommendation can name the moment to listen back to.
    """
    if int(section["word_count"]) == 0:
        return [
            "No speech was recognised in this recording. Check that the microphone picked up "
            "your voice, then upload the recording again."
        ]
    scores = score_breakdown(section)
    writers = {
        "pace": lambda: _pace_recommendation(section),
        "fillers": lambda: _filler_recommendation(section, filler_events),
        "pauses": lambda: _pause_recommendation(section, long_pauses),
        "clarity": lambda: _clarity_recommendation(section),
    }
    weak = sorted((score, part) for part, score in scores.items() if score < GOOD_SCORES[part])
    return [writers[part]() for _, part in weak]
