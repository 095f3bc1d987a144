"""Table values survive their changelog: what a worker writes, a restarted worker reads
back through Faust's own deserializer, as the same totals."""

from __future__ import annotations

from typing import Any

import orjson

from analysis.speech.metrics import SpeechCounts, SpeechTotals, add_segment_metrics
from analysis.speech.running_counts import fold_segment
from streams.app import app
from streams.measure_speech import speech_totals
from streams.roll_up_analysis import speech_rollup

SEGMENT = {
    "interview_id": "i-1",
    "user_id": "u-1",
    "seq": 0,
    "start": 0.0,
    "end": 2.0,
    "text": "Um, I led it.",
    "words": [
        {"word": "Um,", "start": 0.0, "end": 0.4, "confidence": 0.9},
        {"word": "I", "start": 1.2, "end": 1.3, "confidence": 0.95},
        {"word": "led", "start": 1.3, "end": 1.6, "confidence": 0.95},
        {"word": "it.", "start": 1.6, "end": 2.0, "confidence": 0.95},
    ],
    "confidence": 0.94,
    "engine": "test",
    "audio_duration": 2.0,
    "processed_seconds": 2.0,
    "elapsed_seconds": 0.5,
    "final": False,
}


def restored(table: Any, value: object) -> object:
    """Serialize as a changelog write does, then load as recovery does: through the
    changelog topic's own serializer and the table's value type."""
    data = app.serializers.dumps_value(None, value, serializer=table.value_serializer)
    topic = table.changelog_topic
    return app.serializers.loads_value(table.value_type, data, serializer=topic.value_serializer)


def test_speech_agent_entry_comes_back_from_its_changelog() -> None:
    entry, metrics = fold_segment(None, SEGMENT)
    back = restored(speech_totals, entry)
    assert isinstance(back, dict)
    assert back["ends"] == entry["ends"]
    assert back["counts"] == entry["counts"]
    assert back["counts"].filler_words == {"um": 1}
    assert metrics["filler_total"] == 1


def test_a_speech_entry_written_before_counts_reads_as_its_counts() -> None:
    """A worker upgraded over a changelog of the older entries (``"totals"`` with every
    filler and pause) restores their counts and goes on from them."""
    _, metrics = fold_segment(None, SEGMENT)
    totals = add_segment_metrics(SpeechTotals(), metrics)
    older = orjson.dumps({"ends": {"0": 2.0}, "totals": totals.to_dict()})
    back = app.serializers.loads_value(None, older, serializer=speech_totals.changelog_topic.value_serializer)
    assert back["ends"] == {"0": 2.0}
    assert back["counts"] == SpeechCounts(
        word_count=totals.word_count,
        speaking_seconds=totals.speaking_seconds,
        filler_words={"um": 1},
        filler_total=1,
        pause_count=totals.pause_count,
        long_pause_count=totals.long_pause_count,
        longest_pause_seconds=totals.longest_pause_seconds,
        clarity_word_sum=totals.clarity_word_sum,
    )
    entry, _ = fold_segment(back, {**SEGMENT, "seq": 1, "start": 3.0})
    assert entry["counts"].word_count == 2 * totals.word_count


def test_rollup_totals_come_back_from_their_changelog() -> None:
    _, metrics = fold_segment(None, SEGMENT)
    totals = add_segment_metrics(SpeechTotals(), metrics)
    back = restored(speech_rollup, totals)
    assert back == totals
    # Still idempotent after a restart: the replayed segment is not counted twice.
    assert add_segment_metrics(back, metrics) == totals  # type: ignore[arg-type]


def test_rollup_totals_with_a_filler_of_unknown_start_keep_adding_after_a_restart() -> None:
    """A word timed NaN (a broken ASR timing) makes a filler whose start the JSON changelog
    stores as null; the restored totals must still take the interview's next segments."""
    broken = {**SEGMENT, "words": [{**SEGMENT["words"][0], "start": float("nan")}, *SEGMENT["words"][1:]]}
    _, metrics = fold_segment(None, broken)
    totals = add_segment_metrics(SpeechTotals(), metrics)
    back = restored(speech_rollup, totals)
    assert isinstance(back, SpeechTotals) and back.filler_events[0]["start"] is None
    _, later = fold_segment(None, {**SEGMENT, "seq": 1, "start": 3.0})
    after = add_segment_metrics(back, later)
    assert (after.filler_total, len(after.filler_events)) == (2, 2)
