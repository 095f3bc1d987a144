"""Speech metrics of a segment, and the running totals of an interview."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.speech.metrics import (
    SpeechTotals,
    add_segment_metrics,
    clarity,
    measure_segment,
    speech_section,
)

WORD_SECONDS = 0.3
GAP_SECONDS = 0.1


def timed_words(
    text: str,
    start: float = 0.0,
    silences: dict[int, float] | None = None,
    confidence: float = 0.9,
) -> list[dict[str, Any]]:
    """Words of ``text`` 0.3 s long, 0.1 s apart, with ``silences[i]`` seconds before word i."""
    words = []
    clock = start
    for index, word in enumerate(text.split()):
        clock += (silences or {}).get(index, 0.0)
        words.append({"word": word, "start": clock, "end": clock + WORD_SECONDS, "confidence": confidence})
        clock += WORD_SECONDS + GAP_SECONDS
    return words


def segment(words: list[dict[str, Any]], seq: int = 0, final: bool = False) -> dict[str, Any]:
    start = words[0]["start"] if words else 0.0
    end = words[-1]["end"] if words else 0.0
    return {
        "interview_id": "interview-1",
        "user_id": "user-1",
        "seq": seq,
        "start": start,
        "end": end,
        "text": " ".join(word["word"] for word in words),
        "words": words,
        "confidence": 0.9,
        "speaker": None,
        "language": "en",
        "engine": "test",
        "audio_duration": 600.0,
        "processed_seconds": end,
        "elapsed_seconds": 1.0,
        "final": final,
    }


def test_identity_and_final_are_copied_from_the_segment() -> None:
    metrics = measure_segment(segment(timed_words("Hello there"), seq=7, final=True), None)
    assert (metrics["interview_id"], metrics["user_id"], metrics["seq"], metrics["final"]) == (
        "interview-1",
        "user-1",
        7,
        True,
    )
    assert metrics["audio_duration"] == 600.0


def test_fillers_count_as_words_for_pace() -> None:
    metrics = measure_segment(segment(timed_words("Um, I, like, led the team")), None)
    assert metrics["word_count"] == 6
    assert metrics["filler_words"] == {"um": 1, "like": 1}
    assert metrics["filler_total"] == 2


def test_words_per_minute_is_words_over_speaking_time() -> None:
    # 40 words at 0.4 s each (0.3 s word + 0.1 s gap): about 150 words per minute
    text = " ".join(["word"] * 40)
    metrics = measure_segment(segment(timed_words(text)), None)
    expected = 40 / (40 * WORD_SECONDS + 39 * GAP_SECONDS) * 60
    assert metrics["words_per_minute"] == pytest.approx(expected, rel=0.1)
    assert metrics["words_per_minute"] == pytest.approx(150, rel=0.1)


def test_pauses_do_not_slow_the_pace_but_short_gaps_do() -> None:
    text = " ".join(["word"] * 20)
    steady = measure_segment(segment(timed_words(text)), None)
    with_pause = measure_segment(segment(timed_words(text, silences={10: 3.0})), None)
    with_short_gaps = measure_segment(
        segment(timed_words(text, silences={i: 0.3 for i in range(1, 20)})), None
    )
    # the whole 3.1 s silence is left out, the usual 0.1 s gap before word 10 with it
    assert with_pause["speaking_seconds"] == pytest.approx(steady["speaking_seconds"] - GAP_SECONDS)
    assert with_pause["words_per_minute"] == pytest.approx(steady["words_per_minute"], rel=0.02)
    assert with_short_gaps["words_per_minute"] < steady["words_per_minute"] * 0.7


def test_a_pause_is_half_a_second_or_more_of_silence() -> None:
    # the gap before word i is 0.1 s plus the silence added there
    words = timed_words("one two three four", silences={1: 0.39, 2: 0.4, 3: 2.0})
    metrics = measure_segment(segment(words), None)
    assert [pause["seconds"] for pause in metrics["pauses"]] == [pytest.approx(0.5), pytest.approx(2.1)]
    assert metrics["pauses"][0]["start"] == pytest.approx(words[1]["end"])
    assert metrics["pauses"][0]["end"] == pytest.approx(words[2]["start"])
    assert metrics["pause_count"] == 2
    assert metrics["long_pause_count"] == 1


def test_the_silence_since_the_previous_segment_is_a_pause_of_this_segment() -> None:
    words = timed_words("after the break", start=42.0)
    metrics = measure_segment(segment(words, seq=3), previous_end=39.5)
    assert metrics["pauses"][0] == {"start": 39.5, "end": 42.0, "seconds": 2.5}
    assert metrics["long_pause_count"] == 1
    assert metrics["speaking_seconds"] == pytest.approx(3 * WORD_SECONDS + 2 * GAP_SECONDS)


def test_a_short_gap_since_the_previous_segment_is_no_pause() -> None:
    metrics = measure_segment(segment(timed_words("right away", start=10.2)), previous_end=10.0)
    assert metrics["pauses"] == []


def test_the_silence_before_the_first_words_of_the_interview_is_no_pause() -> None:
    metrics = measure_segment(segment(timed_words("Hello", start=12.0)), previous_end=None)
    assert metrics["pause_count"] == 0


def test_overlapping_words_make_no_negative_pause_or_time() -> None:
    words = [
        {"word": "one", "start": 1.0, "end": 1.6, "confidence": 0.9},
        {"word": "two", "start": 1.4, "end": 1.8, "confidence": 0.9},
    ]
    metrics = measure_segment(segment(words), previous_end=1.2)
    assert metrics["pauses"] == []
    assert metrics["speaking_seconds"] == pytest.approx(0.8)


def test_punctuation_only_tokens_are_not_words() -> None:
    words = timed_words("so - like we did it")
    metrics = measure_segment(segment(words), None)
    assert metrics["word_count"] == 5
    assert metrics["filler_words"] == {"like": 1}


def test_filler_events_carry_their_time_in_the_recording() -> None:
    words = timed_words("Well, um, it was, you know, fine", start=100.0)
    metrics = measure_segment(segment(words), None)
    assert metrics["filler_events"] == [
        {"kind": "um", "start": words[1]["start"], "end": words[1]["end"]},
        {"kind": "you know", "start": words[4]["start"], "end": words[5]["end"]},
    ]


def test_a_segment_without_words_measures_zero() -> None:
    metrics = measure_segment(segment([]), previous_end=3.0)
    assert (metrics["word_count"], metrics["speaking_seconds"], metrics["words_per_minute"]) == (0, 0.0, 0.0)
    assert (metrics["pauses"], metrics["filler_words"], metrics["clarity"]) == ([], {}, 0.0)


def test_clarity_of_words_recognised_with_the_same_confidence_is_that_confidence() -> None:
    assert clarity(timed_words("we shipped it", confidence=0.8)) == pytest.approx(80.0)


def test_a_few_mumbled_words_pull_clarity_below_the_plain_mean() -> None:
    words = timed_words("one two three four", confidence=1.0)
    words[1]["confidence"] = words[3]["confidence"] = 0.5
    assert clarity(words) < 75.0
    assert clarity(words) == pytest.approx(66.7, abs=0.1)


def test_clarity_stays_within_0_and_100_whatever_the_engine_reports() -> None:
    words = timed_words("one two")
    words[0]["confidence"], words[1]["confidence"] = 1.7, -0.2
    assert 0.0 <= clarity(words) <= 100.0


def metrics_of(
    text: str, seq: int, start: float, previous_end: float | None = None, **kwargs: Any
) -> dict[str, Any]:
    return measure_segment(segment(timed_words(text, start=start, **kwargs), seq=seq), previous_end)


def test_totals_add_up_the_segments() -> None:
    first = metrics_of("Um, I led the team", seq=0, start=0.0)
    second = metrics_of("and, um, like, we shipped", seq=1, start=5.0, previous_end=1.9)
    totals = add_segment_metrics(add_segment_metrics(SpeechTotals(), first), second)
    assert totals.word_count == 10
    assert totals.filler_words == {"um": 2, "like": 1}
    assert totals.filler_total == 3
    assert totals.speaking_seconds == pytest.approx(first["speaking_seconds"] + second["speaking_seconds"])
    assert totals.long_pause_count == 1
    assert [pause["start"] for pause in totals.long_pauses] == [1.9]


def test_a_replayed_segment_is_not_counted_twice() -> None:
    metrics = metrics_of("Um, we, like, shipped it", seq=4, start=0.0)
    once = add_segment_metrics(SpeechTotals(), metrics)
    assert add_segment_metrics(once, metrics) == once


def test_an_earlier_segment_replayed_after_a_later_one_is_not_counted_twice() -> None:
    first = metrics_of("Um, hello", seq=0, start=0.0)
    second = metrics_of("Uh, bye", seq=1, start=2.0)
    totals = add_segment_metrics(add_segment_metrics(SpeechTotals(), first), second)
    assert add_segment_metrics(totals, first) == totals
    assert [event["kind"] for event in totals.filler_events] == ["um", "uh"]


def test_adding_metrics_leaves_the_old_totals_unchanged() -> None:
    before = SpeechTotals()
    add_segment_metrics(before, metrics_of("Um, hello", seq=0, start=0.0))
    assert before == SpeechTotals()


def test_totals_round_trip_through_json() -> None:
    totals = SpeechTotals()
    for seq, start in enumerate([0.0, 6.0, 15.0]):
        totals = add_segment_metrics(
            totals,
            metrics_of("Um, so, like, I kind of led it", seq=seq, start=start, previous_end=start - 3.0),
        )
    stored = json.dumps(totals.to_dict())
    assert SpeechTotals.from_dict(json.loads(stored)) == totals


def test_totals_stored_before_a_field_existed_still_read() -> None:
    totals = SpeechTotals.from_dict({"seen_seqs": [0], "word_count": 12})
    assert (totals.word_count, totals.seen_seqs, totals.long_pauses) == (12, frozenset({0}), ())


def test_section_rates_are_over_total_speaking_time() -> None:
    fast = metrics_of(" ".join(["go"] * 30), seq=0, start=0.0)
    slow = metrics_of(" ".join(["um"] * 3), seq=1, start=20.0, silences={1: 0.3, 2: 0.3})
    totals = add_segment_metrics(add_segment_metrics(SpeechTotals(), fast), slow)
    section = speech_section(totals, duration_seconds=60.0)
    speaking = fast["speaking_seconds"] + slow["speaking_seconds"]
    assert section["speaking_seconds"] == pytest.approx(speaking)
    assert section["wpm"] == pytest.approx(33 / speaking * 60, rel=0.01)
    assert section["fillers_per_minute"] == pytest.approx(3 / speaking * 60, rel=0.01)
    assert section["duration_seconds"] == 60.0


def test_section_clarity_weighs_segments_by_their_words() -> None:
    long_clear = metrics_of(" ".join(["clear"] * 9), seq=0, start=0.0, confidence=0.9)
    short_mumbled = metrics_of("mumbled", seq=1, start=10.0, confidence=0.5)
    totals = add_segment_metrics(add_segment_metrics(SpeechTotals(), long_clear), short_mumbled)
    assert speech_section(totals, 20.0)["clarity_score"] == pytest.approx((9 * 90 + 1 * 50) / 10, abs=0.1)


def test_section_longest_pause_is_the_longest_anywhere() -> None:
    first = metrics_of("one two three", seq=0, start=0.0, silences={1: 1.0})
    second = metrics_of("four five", seq=1, start=8.0, previous_end=first["pauses"][0]["end"] + 1.0)
    totals = add_segment_metrics(add_segment_metrics(SpeechTotals(), first), second)
    section = speech_section(totals, 20.0)
    assert section["longest_pause_seconds"] == pytest.approx(max(p["seconds"] for p in second["pauses"]))
    assert section["pause_count"] == 2


def test_section_of_an_interview_without_speech_is_all_zero() -> None:
    section = speech_section(SpeechTotals(), duration_seconds=30.0)
    assert section == {
        "duration_seconds": 30.0,
        "speaking_seconds": 0.0,
        "word_count": 0,
        "wpm": 0.0,
        "filler_words": {},
        "filler_total": 0,
        "fillers_per_minute": 0.0,
        "pause_count": 0,
        "long_pause_count": 0,
        "longest_pause_seconds": 0.0,
        "clarity_score": 0.0,
    }
