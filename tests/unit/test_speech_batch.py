"""The speech agent's batch step without Kafka: what it produces, where its table writes go,
and that a replayed or unreadable segment changes nothing it should not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from analysis.speech.metrics import PAUSE_SECONDS, _pause
from analysis.speech.running_counts import fold_segment
from streams import measure_speech
from streams.app import app, channel, codec
from streams.measure_speech import measure_batch, speech_totals
from streams.table_codecs import dump_speech_entry
from tests.unit.speech_batch_fakes import Sent, event
from topics.catalog import SEGMENT_METRICS


def segment(interview_id: str, seq: int, text: str) -> dict[str, Any]:
    start = seq * 10.0
    words = [
        {"word": word, "start": start + 0.4 * index, "end": start + 0.4 * index + 0.3, "confidence": 0.9}
        for index, word in enumerate(text.split())
    ]
    return {
        "interview_id": interview_id,
        "user_id": "user-1",
        "seq": seq,
        "start": start,
        "end": words[-1]["end"] if words else start,
        "text": text,
        "words": words,
        "confidence": 0.9,
        "engine": "test",
        "audio_duration": 60.0,
        "processed_seconds": start + 5.0,
        "elapsed_seconds": 1.0,
        "final": False,
    }


@pytest.fixture(autouse=True)
def empty_table() -> Iterator[None]:
    speech_totals.data.clear()
    yield
    speech_totals.data.clear()


METRICS_TOPIC = channel(SEGMENT_METRICS).get_topic_name()
CHANGELOG_TOPIC = speech_totals.changelog_topic.get_topic_name()


def restored(value: bytes) -> Any:
    return app.serializers.loads_value(None, value, serializer=speech_totals.changelog_topic.value_serializer)


async def test_each_segment_gives_its_metrics_and_each_interview_one_changelog_write() -> None:
    segments = [
        segment("a", 0, "Um, I led the team."),
        segment("b", 0, "So, like, we shipped it."),
        segment("a", 1, "And you know, it worked."),
    ]
    sent = Sent()
    await measure_batch([event(segments[0], 2, 0), event(segments[1], 4, 0), event(segments[2], 2, 1)], sent)

    entry_a, first = fold_segment(None, segments[0])
    entry_a, second = fold_segment(entry_a, segments[2])
    entry_b, third = fold_segment(None, segments[1])
    sent_metrics = sent.to(METRICS_TOPIC)
    # each interview's metrics in its own order, on the partition its key hashes to
    by_interview = {
        interview: [(value, partition) for key, value, partition in sent_metrics if key == interview]
        for interview in (b"a", b"b")
    }
    expected = {b"a": [first, second], b"b": [third]}
    for interview, records in by_interview.items():
        assert [codec.decode(value, SEGMENT_METRICS.value_schema) for value, _ in records] == expected[
            interview
        ]
        # byte for byte what the codec makes of the pure function's metrics
        assert [value for value, _ in records] == [
            codec.encode(SEGMENT_METRICS.value_schema, metrics) for metrics in expected[interview]
        ]
        assert {partition for _, partition in records} == {
            sent.key_partition(METRICS_TOPIC, interview).partition
        }
    assert len(sent_metrics) == 3
    changelog = sent.to(CHANGELOG_TOPIC)
    assert [(key, partition) for key, _, partition in changelog] == [(b"a", 2), (b"b", 4)]
    assert restored(changelog[0][1])["counts"] == entry_a["counts"]
    assert restored(changelog[0][1])["ends"] == entry_a["ends"]
    assert speech_totals.data[b"a"]["counts"] == entry_a["counts"]
    assert speech_totals.data[b"b"]["counts"] == entry_b["counts"]


async def test_a_replayed_segment_does_not_count_twice() -> None:
    first = segment("a", 0, "Um, I led the team.")
    await measure_batch([event(first, 0, 0)], Sent())
    once = speech_totals.data[b"a"]["counts"]

    sent = Sent()
    await measure_batch([event(first, 0, 0)], sent)
    assert speech_totals.data[b"a"]["counts"] == once
    assert once.filler_total == 1
    # the replay still answers with the same metrics record (downstream upserts it)
    (_, value, _), *_ = sent.to(METRICS_TOPIC)
    assert codec.decode(value, SEGMENT_METRICS.value_schema) == fold_segment(None, first)[1]


async def test_an_unreadable_record_is_dead_lettered_and_the_rest_are_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dead: list[tuple[Any, str]] = []

    async def dead_letter(event: Any, exc: BaseException, *, attempts: int, consumer: str) -> None:
        dead.append((event, type(exc).__name__))

    monkeypatch.setattr(measure_speech, "dead_letter", dead_letter)
    broken = event(b"\x00\x00\x00\x00\x07not avro", 1, 5)
    good = segment("a", 0, "I led it.")
    sent = Sent()
    await measure_batch([broken, event(good, 1, 6)], sent)

    assert dead == [(broken, "SerializationError")]
    assert len(sent.to(METRICS_TOPIC)) == 1
    assert [key for key, _, _ in sent.to(CHANGELOG_TOPIC)] == [b"a"]
    assert b"broken" not in speech_totals.data


def test_the_changelog_bytes_are_those_of_the_counts_as_a_dict() -> None:
    entry, _ = fold_segment(None, segment("a", 0, "Um, I led the team, like, you know, really well."))
    entry, _ = fold_segment(entry, segment("a", 2, "Uh, so basically we, um, shipped it."))
    document = {"ends": entry["ends"], "counts": entry["counts"].to_dict(), "run": 0}
    assert dump_speech_entry(entry) == orjson.dumps(document)
    assert entry["counts"].filler_words == {"um": 2, "like": 1, "you know": 1, "uh": 1, "basically": 1}


@pytest.mark.parametrize("start", [0.0, 1.1, 7.3, 1234.567])
def test_a_gap_is_a_pause_exactly_when_it_rounds_to_half_a_second_or_more(start: float) -> None:
    for thousandths in range(4980, 5020):
        gap = thousandths / 10_000
        pause = _pause(start, start + gap)
        assert (pause is not None) == (round(start + gap - start, 3) >= PAUSE_SECONDS), gap
