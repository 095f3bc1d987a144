"""Speech metrics of one transcript segment, and their running totals per interview.

``measure_segment`` turns a ``TranscriptSegment`` into a ``SegmentMetrics`` record
(``schemas/avro/segment_metrics.avsc``). ``add_counts`` folds those records into
:class:`SpeechCounts` (the speech agent's running counts), ``add_segment_metrics`` into
:class:`SpeechTotals` (the counts with the moments the rollup cites), which Faust tables
keep and write to their changelogs as JSON, and ``speech_section`` closes the counts into
the ``SpeechSection`` of ``analysis_completed.avsc`` (without its scores, which
:mod:`analysis.speech.score` adds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from analysis.speech.fillers import count_kinds, filler_events

#: A silence this long between words is a pause, not the gap between two words.
PAUSE_SECONDS = 0.5
#: A pause this long is noticeable to the listener.
LONG_PAUSE_SECONDS = 2.0
#: How much more a word recognised with confidence 0 weighs in clarity than one with 1.
#: Clarity is a weighted mean of confidences with weight ``1 + 2 * (1 - confidence)``:
#: a handful of mumbled words in a clear answer are what a listener notices, so they pull
#: the score down further than a plain mean would (half the words at 1.0 and half at 0.5
#: give 67, not 75). All words at the same confidence still give exactly that confidence.
LOW_CONFIDENCE_EXTRA_WEIGHT = 2.0


@lru_cache(maxsize=65_536)
def _has_letter_or_digit(text: str) -> bool:
    """A spoken word has a letter or digit; a lone "..." or "-" from the ASR is no word."""
    return any(character.isalnum() for character in text)


#: A gap shorter than this cannot round (to the millisecond) up to ``PAUSE_SECONDS``, so the
#: common short gap between two words is passed over without rounding it.
_SURELY_NO_PAUSE = PAUSE_SECONDS - 0.001


def _pause(start: float, end: float) -> dict[str, Any] | None:
    if end - start < _SURELY_NO_PAUSE:
        return None
    # to the millisecond, so a 0.5 s gap that float arithmetic makes 0.4999... still counts
    seconds = round(end - start, 3)
    if seconds < PAUSE_SECONDS:
        return None
    return {"start": start, "end": end, "seconds": seconds}


def pauses_between(words: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Silences of ``PAUSE_SECONDS`` or more between consecutive words."""
    pauses = []
    previous_end: float | None = None
    for word in words:
        start = float(word["start"])
        # ``_pause`` inlined for the common short gap: this runs for every word
        if previous_end is not None and not start - previous_end < _SURELY_NO_PAUSE:
            pause = _pause(previous_end, start)
            if pause is not None:
                pauses.append(pause)
        previous_end = float(word["end"])
    return pauses


def pause_before(words: Sequence[Mapping[str, Any]], previous_end: float | None) -> dict[str, Any] | None:
    """The silence between the previous segment's last word (``previous_end``) and this
    segment's first word, if it is a pause.

    With no ``previous_end`` (the first segment, or the previous one unknown) there is
    none: the time before someone first speaks is not a pause.
    """
    if previous_end is None or not words:
        return None
    return _pause(float(previous_end), float(words[0]["start"]))


def clarity(words: Sequence[Mapping[str, Any]]) -> float:
    """0..100 from word confidences, low-confidence words weighing more; 0 without words."""
    confidences = [float(word["confidence"]) for word in words]
    if not confidences:
        return 0.0
    # ``min(1.0, max(0.0, confidence))`` (a NaN counts as 0), without two builtin calls per word
    confidences = [(value if value < 1.0 else 1.0) if value > 0.0 else 0.0 for value in confidences]
    weights = [1.0 + LOW_CONFIDENCE_EXTRA_WEIGHT * (1.0 - confidence) for confidence in confidences]
    weighted = sum([weight * confidence for weight, confidence in zip(weights, confidences, strict=True)])
    return round(100.0 * weighted / sum(weights), 1)


def words_per_minute(word_count: int, speaking_seconds: float) -> float:
    return round(word_count / speaking_seconds * 60.0, 1) if speaking_seconds > 0 else 0.0


def measure_segment(segment: Mapping[str, Any], previous_end: float | None) -> dict[str, Any]:
    """The ``SegmentMetrics`` record of one ``TranscriptSegment``.

    Fillers count as words for the pace: they take speaking time like any word. Speaking
    time runs from the first word's start to the last word's end, minus the pauses inside.
    """
    fillers = filler_events(segment["words"])  # punctuation-only tokens still mark breaks
    filler_words = count_kinds(filler["kind"] for filler in fillers)
    words = [word for word in segment["words"] if _has_letter_or_digit(str(word["word"]))]
    inner_pauses = pauses_between(words)
    lead_in = pause_before(words, previous_end)
    pauses = [lead_in, *inner_pauses] if lead_in is not None else inner_pauses
    span = float(words[-1]["end"]) - float(words[0]["start"]) if words else 0.0
    inner_pause_seconds = sum(pause["end"] - pause["start"] for pause in inner_pauses)
    speaking_seconds = round(max(0.0, span - inner_pause_seconds), 3)
    return {
        "interview_id": segment["interview_id"],
        "user_id": segment["user_id"],
        "seq": segment["seq"],
        "start": float(segment["start"]),
        "end": float(segment["end"]),
        "word_count": len(words),
        "speaking_seconds": speaking_seconds,
        "words_per_minute": words_per_minute(len(words), speaking_seconds),
        "filler_words": filler_words,
        "filler_total": len(fillers),
        "filler_events": fillers,
        "pauses": pauses,
        "pause_count": len(pauses),
        "long_pause_count": sum(1 for pause in pauses if pause["seconds"] >= LONG_PAUSE_SECONDS),
        "clarity": clarity(words),
        "audio_duration": float(segment.get("audio_duration", 0.0)),
        "final": bool(segment.get("final", False)),
    }


@dataclass(frozen=True)
class SpeechCounts:
    """Running counts of one interview's speech, folded from its ``SegmentMetrics``: what the
    speech agent keeps per interview as the transcript grows. :class:`SpeechTotals` adds the
    moments (each filler, each long pause) that the rollup's recommendations cite."""

    word_count: int = 0
    speaking_seconds: float = 0.0
    filler_words: Mapping[str, int] = field(default_factory=dict)
    filler_total: int = 0
    pause_count: int = 0
    long_pause_count: int = 0
    longest_pause_seconds: float = 0.0
    clarity_word_sum: float = 0.0
    """Sum over segments of clarity times word count, for a word-weighted mean."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_dict`` reads it back to an equal value."""
        return self.counts_dict()

    def counts_dict(self) -> dict[str, Any]:
        """The counts alone, JSON-ready (a ``SpeechTotals`` too)."""
        return {
            "word_count": self.word_count,
            "speaking_seconds": self.speaking_seconds,
            "filler_words": dict(self.filler_words),
            "filler_total": self.filler_total,
            "pause_count": self.pause_count,
            "long_pause_count": self.long_pause_count,
            "longest_pause_seconds": self.longest_pause_seconds,
            "clarity_word_sum": self.clarity_word_sum,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechCounts:
        """Reads ``to_dict`` output (or a ``SpeechTotals`` one: the moments are left out); a
        key missing from an older stored value takes its default."""
        return cls(**_counts_from(data))


def _counts_from(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "word_count": int(data.get("word_count", 0)),
        "speaking_seconds": float(data.get("speaking_seconds", 0.0)),
        "filler_words": {str(kind): int(count) for kind, count in data.get("filler_words", {}).items()},
        "filler_total": int(data.get("filler_total", 0)),
        "pause_count": int(data.get("pause_count", 0)),
        "long_pause_count": int(data.get("long_pause_count", 0)),
        "longest_pause_seconds": float(data.get("longest_pause_seconds", 0.0)),
        "clarity_word_sum": float(data.get("clarity_word_sum", 0.0)),
    }


def _counted(counts: SpeechCounts, metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The count fields of ``counts`` with one segment's metrics added."""
    filler_words = dict(counts.filler_words)
    for kind, count in metrics["filler_words"].items():
        filler_words[kind] = filler_words.get(kind, 0) + int(count)
    longest = counts.longest_pause_seconds
    for pause in metrics["pauses"]:
        seconds = float(pause["seconds"])
        if seconds > longest:
            longest = seconds
    word_count = int(metrics["word_count"])
    return {
        "word_count": counts.word_count + word_count,
        "speaking_seconds": counts.speaking_seconds + float(metrics["speaking_seconds"]),
        "filler_words": filler_words,
        "filler_total": counts.filler_total + int(metrics["filler_total"]),
        "pause_count": counts.pause_count + int(metrics["pause_count"]),
        "long_pause_count": counts.long_pause_count + int(metrics["long_pause_count"]),
        "longest_pause_seconds": longest,
        "clarity_word_sum": counts.clarity_word_sum + float(metrics["clarity"]) * word_count,
    }


def add_counts(counts: SpeechCounts, metrics: Mapping[str, Any]) -> SpeechCounts:
    """``counts`` with one segment's metrics added. Not idempotent on its own: the caller
    keeps which segments it has counted."""
    return SpeechCounts(**_counted(counts, metrics))


@dataclass(frozen=True)
class SpeechTotals(SpeechCounts):
    """The counts of one interview with the moments the recommendations cite.

    ``seen_seqs`` makes the fold idempotent: Kafka delivers at least once, and a replayed
    segment must not count twice. A set, not the highest seq, because a replay may deliver
    an earlier segment after a later one. Its size is the number of segments, small.
    """

    seen_seqs: frozenset[int] = frozenset()
    filler_events: tuple[dict[str, Any], ...] = ()
    long_pauses: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_dict`` reads it back to an equal value."""
        return {
            **self.counts_dict(),
            "seen_seqs": sorted(self.seen_seqs),
            "filler_events": [dict(event) for event in self.filler_events],
            "long_pauses": [dict(pause) for pause in self.long_pauses],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechTotals:
        """Reads ``to_dict`` output; a key missing from an older stored value takes its default."""
        return cls(
            seen_seqs=frozenset(int(seq) for seq in data.get("seen_seqs", ())),
            filler_events=tuple(dict(event) for event in data.get("filler_events", ())),
            long_pauses=tuple(dict(pause) for pause in data.get("long_pauses", ())),
            **_counts_from(data),
        )


def _start(record: Mapping[str, Any]) -> float:
    """A moment's start; one without (a NaN start, which JSON changelogs store as null) sorts
    as NaN rather than stopping the interview's totals after a restart."""
    start = record["start"]
    return float("nan") if start is None else float(start)


def _merged_by_start(
    existing: tuple[dict[str, Any], ...], added: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], ...]:
    """``existing`` (already in time order) with ``added`` merged in by start time.

    Segments nearly always arrive in order, so the common case appends without re-sorting
    the whole interview on every segment.
    """
    if not added:
        return existing
    new = tuple(sorted((dict(record) for record in added), key=_start))
    if not existing or _start(existing[-1]) <= _start(new[0]):
        return existing + new
    return tuple(sorted(existing + new, key=_start))


def add_segment_metrics(totals: SpeechTotals, metrics: Mapping[str, Any]) -> SpeechTotals:
    """``totals`` with one segment's metrics added; unchanged if that seq was already added."""
    seq = int(metrics["seq"])
    if seq in totals.seen_seqs:
        return totals
    long_pauses = [pause for pause in metrics["pauses"] if float(pause["seconds"]) >= LONG_PAUSE_SECONDS]
    return SpeechTotals(
        seen_seqs=totals.seen_seqs | {seq},
        filler_events=_merged_by_start(totals.filler_events, metrics.get("filler_events", ())),
        long_pauses=_merged_by_start(totals.long_pauses, long_pauses),
        **_counted(totals, metrics),
    )


def _per_minute(count: int, seconds: float) -> float:
    return round(count / seconds * 60.0, 2) if seconds > 0 else 0.0


def speech_section(totals: SpeechCounts, duration_seconds: float) -> dict[str, Any]:
    """The ``SpeechSection`` of ``analysis_completed.avsc`` without ``speech_score`` and
    ``score_breakdown``. Rates are per minute of speaking time, so a long silence or the
    interviewer's turns do not make the speaker look calmer than they sounded."""
    return {
        "duration_seconds": float(duration_seconds),
        "speaking_seconds": round(totals.speaking_seconds, 3),
        "word_count": totals.word_count,
        "wpm": words_per_minute(totals.word_count, totals.speaking_seconds),
        "filler_words": dict(totals.filler_words),
        "filler_total": totals.filler_total,
        "fillers_per_minute": _per_minute(totals.filler_total, totals.speaking_seconds),
        "pause_count": totals.pause_count,
        "long_pause_count": totals.long_pause_count,
        "longest_pause_seconds": round(totals.longest_pause_seconds, 3),
        "clarity_score": round(totals.clarity_word_sum / totals.word_count, 1) if totals.word_count else 0.0,
    }
