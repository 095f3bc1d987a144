"""The speech agent's outputs, byte for byte, over thousands of varied segments.

The agent's metrics were made cheaper (single-pass pauses and clarity, filler events built
directly, records handed to Kafka a batch per partition); what it produces must not change.
``GOLDEN_METRICS`` is the SHA-256 of every ``segment.metrics`` record (key and value, each
interview's in order) that the agent produced for ``varied_segments()`` in ``BATCH_SIZES``
before that work, so any change in a single byte shows here. ``GOLDEN_CHANGELOG`` holds the
``speech_totals`` changelog records (since the table keeps counts without the moments).
Both were renewed once since, when records gained their analysis ``run``: each metrics record
then differed from before only in its schema id (5 → 22) and the run's one byte at its end,
and each changelog record only in ``"run":0`` at its end.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner

from streams.measure_speech import measure_batch, speech_totals
from tests.unit.speech_batch_fakes import Sent, event
from topics.catalog import SEGMENT_METRICS

#: Words as an ASR writes them: fillers and their look-alikes, punctuation, capitals,
#: numbers, contractions, non-ASCII, punctuation-only and empty tokens.
VOCABULARY = (
    "um", "Um,", "uh", "Uhh...", "erm", "ah", "Hmm", "mm-hmm", "like", "Like", "like,", ",like",
    "you", "You", "know", "know,", "know.", "I", "i", "mean", "mean,", "kind", "sort", "of",
    "kinda", "sorta", "actually", "Actually,", "basically", "basically.", "so", "So,", "and",
    "but", "the", "a", "Python", "was", "was,", "really", "five", "42", "3.5%", "...", "-",
    "\u2014really", "I\u2019m", "I'd", "we", "it.", "said", "looks", "something", "what",
    "do", "if", "ümlaut", "naïve", "", "_", "th-", "well", "is", "it", "that",
)  # fmt: skip
GAPS = (0.0, 0.05, 0.1, 0.3, 0.4995, 0.4999, 0.5, 0.5004, 0.6, 1.2, 1.9995, 2.0, 2.5, 4.0)
CONFIDENCES = (0.0, 1.0, 0.9, 0.95, 0.5, 1.2, -0.1, 0.33, float("nan"), float("inf"))
#: How the segments are cut into batches, in turn: single segments, small and full batches.
BATCH_SIZES = (1, 7, 50, 3, 400, 1, 120, 1000)
GOLDEN_METRICS = "3736d6c89b291ba979a2c798e932a8e63c6d3cc52f1acea106f6fc8005158edb"
GOLDEN_CHANGELOG = "ed6e436318d0a898008f283b55f6596196bcaa540967439dfce7ff3f1e4500ab"
SEGMENTS = 4000


def _words(rng: random.Random, start: float) -> tuple[list[dict[str, Any]], float]:
    words, clock = [], start
    for _ in range(rng.choice((0, 1, 2, 5, 12, 20, 20, 20, 35))):
        clock += (
            rng.choice(GAPS) if rng.random() < 0.8 else round(rng.uniform(0.0, 3.0), rng.choice((1, 3, 6)))
        )
        duration = rng.choice((0.1, 0.25, 0.3, 0.4)) if rng.random() < 0.8 else rng.uniform(0.0, 1.0)
        confidence = rng.choice(CONFIDENCES) if rng.random() < 0.7 else rng.random()
        words.append(
            {
                "word": rng.choice(VOCABULARY),
                "start": clock if rng.random() > 0.002 else float("nan"),  # a broken timing, rarely
                "end": clock + duration,
                "confidence": confidence,
            }
        )
        clock += duration
    return words, clock


def varied_segments(count: int = SEGMENTS, seed: int = 11) -> list[dict[str, Any]]:
    """Segments of several interviews, mostly in order, with replays, gaps and reorderings."""
    rng = random.Random(seed)
    next_seq: dict[str, int] = {}
    segments = []
    for _ in range(count):
        interview_id = f"interview-{rng.randrange(9)}"
        seq = next_seq.get(interview_id, 0)
        roll = rng.random()
        if roll < 0.06 and seq > 0:
            seq = rng.randrange(seq)  # a replay, or a late earlier segment
        else:
            if roll < 0.12:
                seq += 1  # one missing
            next_seq[interview_id] = seq + 1
        start = seq * rng.choice((8.0, 10.0, 12.5)) + rng.choice((0.0, 0.25, 3.0))
        words, end = _words(rng, start)
        segments.append({
            "interview_id": interview_id,
            "user_id": rng.choice(("user-1", "usér-2")),
            "seq": seq,
            "start": start,
            "end": end,
            "text": " ".join(str(word["word"]) for word in words),
            "words": words,
            "confidence": rng.random(),
            "speaker": rng.choice((None, "A", "interviewer")),
            "speaker_confidence": rng.choice((None, 0.5, 0.93)),
            "language": rng.choice((None, "en")),
            "engine": "test",
            "audio_duration": rng.choice((0.0, 60.0, 3600.0, 1234.5678)),
            "processed_seconds": end,
            "elapsed_seconds": rng.random(),
            "final": rng.random() < 0.05,
        })  # fmt: skip
    return segments


def batches(segments: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """The segments as the agent's events, cut into batches of ``BATCH_SIZES`` in turn."""
    events = [
        event(segment, int(segment["interview_id"][-1]) % 4, offset)
        for offset, segment in enumerate(segments)
    ]
    position, turn = 0, 0
    while position < len(events):
        size = BATCH_SIZES[turn % len(BATCH_SIZES)]
        yield events[position : position + size]
        position, turn = position + size, turn + 1


def digest(records: list[tuple[str, bytes, bytes, int | None]], *, with_partition: bool) -> str:
    """SHA-256 over the records' keys and values (and partitions, if asked), in order."""
    hashed = hashlib.sha256()
    for _, key, value, partition in records:
        for part in (key, value, str(partition).encode()) if with_partition else (key, value):
            hashed.update(len(part).to_bytes(4, "big") + part)
    return hashed.hexdigest()


@pytest.fixture(autouse=True)
def empty_table() -> Iterator[None]:
    speech_totals.data.clear()
    yield
    speech_totals.data.clear()


async def test_the_metrics_and_changelog_records_are_byte_identical_to_before() -> None:
    sent = Sent()
    for batch in batches(varied_segments()):
        await measure_batch(batch, sent)
    changelog_topic = speech_totals.changelog_topic.get_topic_name()
    metrics = [record for record in sent.records if record[0] != changelog_topic]
    assert len(metrics) == SEGMENTS
    # each interview's records in the order they were made (all of one interview go to one partition)
    assert digest(sorted(metrics, key=lambda record: record[1]), with_partition=False) == GOLDEN_METRICS
    # where a record sent on its own would have gone: the default partitioner's choice for its key
    partitioner, all_partitions = DefaultPartitioner(), list(range(SEGMENT_METRICS.partitions))
    assert {(key, partition) for _, key, _, partition in metrics} == {
        (key, partitioner(key, all_partitions, [])) for _, key, _, _ in metrics
    }
    changelog = [record for record in sent.records if record[0] == changelog_topic]
    assert digest(changelog, with_partition=True) == GOLDEN_CHANGELOG
