"""A malformed message on each input topic goes to `<topic>.dlq` with the error in its
headers, and the next message of the same partition is still processed."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiokafka import AIOKafkaProducer
from fastavro.utils import generate_one

from dev.polling import wait_until_async
from dev.service_processes import ServiceProcess
from dev.topic_records import Received, codec, collect_until, produce, wait_for_record
from streams.__main__ import AGENTS
from tests.integration.consumer_groups import committed_offsets
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    INTERVIEW_STATE,
    INTERVIEW_TURNS,
    INTERVIEW_UPLOADED,
    SEGMENT_METRICS,
    TOPICS,
    TRANSCRIPT_SEGMENTS,
    TRANSCRIPTION_PROGRESS,
    TopicSpec,
    dead_letter_topic,
)
from topics.schemas import parsed

pytestmark = pytest.mark.stack

POISON = b"this is not an Avro record"


def now_ms() -> int:
    return int(time.time() * 1000)


def uploaded_event(interview_id: str, blob: Path) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "user_id": "dlq-user",
        "blob_uri": blob.as_uri(),
        "filename": blob.name,
        "content_type": "video/mp4",
        "size_bytes": blob.stat().st_size,
        "sha256": "0" * 64,
        "uploaded_at": now_ms(),
    }


def segment_event(interview_id: str) -> dict[str, Any]:
    words = [
        {"word": "Hello", "start": 0.0, "end": 0.4, "confidence": 0.9},
        {"word": "there.", "start": 0.5, "end": 0.9, "confidence": 0.9},
    ]
    return {
        "interview_id": interview_id,
        "user_id": "dlq-user",
        "seq": 0,
        "start": 0.0,
        "end": 0.9,
        "text": "Hello there.",
        "words": words,
        "confidence": 0.9,
        "engine": "test",
        "audio_duration": 1.0,
        "processed_seconds": 1.0,
        "elapsed_seconds": 0.2,
        "final": True,
    }


def metrics_event(interview_id: str) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "user_id": "dlq-user",
        "seq": 0,
        "start": 0.0,
        "end": 0.9,
        "word_count": 2,
        "speaking_seconds": 0.8,
        "words_per_minute": 150.0,
        "filler_words": {},
        "filler_total": 0,
        "pauses": [],
        "pause_count": 0,
        "long_pause_count": 0,
        "clarity": 90.0,
        "audio_duration": 1.0,
        "final": True,
    }


def turns_end(interview_id: str) -> dict[str, Any]:
    """The END record after an interview's turns (here: none were found)."""
    return {"interview_id": interview_id, "user_id": "dlq-user", "kind": "END", "turn_index": 0}


def progress_event(interview_id: str) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "user_id": "dlq-user",
        "stage": "STARTED",
        "audio_duration": 10.0,
        "processed_seconds": 0.0,
        "elapsed_seconds": 0.0,
        "emitted_at": now_ms(),
    }


def state_event(interview_id: str) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "user_id": "dlq-user",
        "status": "TRANSCRIBING",
        "percent": 12.5,
        "version": 3,
        "updated_at": now_ms(),
    }


async def assert_dead_lettered(worker: ServiceProcess, spec: TopicSpec, key: str) -> None:
    dlq = dead_letter_topic(spec)
    record = await wait_for_record(
        worker.kafka_bootstrap, dlq, worker.topic_prefix, lambda r: r.key == key.encode()
    )
    assert record.headers["ib-error-type"] == b"SerializationError"
    assert record.headers["ib-source-topic"] == spec.full_name(worker.topic_prefix).encode()
    assert b"magic byte" in record.headers["ib-error-message"]
    letter = record.decoded(dlq)
    assert letter["value"] == POISON
    assert letter["source_topic"] == spec.full_name(worker.topic_prefix)


async def poison_then(
    worker: ServiceProcess, spec: TopicSpec, interview_id: str, valid: dict[str, Any]
) -> None:
    await produce(worker.kafka_bootstrap, spec, worker.topic_prefix, interview_id, POISON)
    await produce(worker.kafka_bootstrap, spec, worker.topic_prefix, interview_id, valid)
    await assert_dead_lettered(worker, spec, interview_id)


def key_is(interview_id: str):  # type: ignore[no-untyped-def]
    return lambda record: record.key == interview_id.encode()


async def test_interview_uploaded(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    blob = worker.run_dir / "blobs" / "not-a-video.mp4"
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_text("Dear hiring manager, this is a text file with a video's name.\n")
    await poison_then(worker, INTERVIEW_UPLOADED, interview_id, uploaded_event(interview_id, blob))
    failed = await wait_for_record(
        worker.kafka_bootstrap,
        TRANSCRIPTION_PROGRESS,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.decoded(TRANSCRIPTION_PROGRESS)["stage"] == "FAILED",
    )
    assert "MP4" in failed.decoded(TRANSCRIPTION_PROGRESS)["error_message"]


async def test_transcription_progress(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await poison_then(worker, TRANSCRIPTION_PROGRESS, interview_id, progress_event(interview_id))
    await wait_for_record(
        worker.kafka_bootstrap,
        INTERVIEW_STATE,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.decoded(INTERVIEW_STATE)["status"] == "TRANSCRIBING",
    )


async def test_transcript_segments(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await poison_then(worker, TRANSCRIPT_SEGMENTS, interview_id, segment_event(interview_id))
    await wait_for_record(worker.kafka_bootstrap, SEGMENT_METRICS, worker.topic_prefix, key_is(interview_id))


async def test_segment_metrics(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await produce(
        worker.kafka_bootstrap, ANSWER_ANALYSIS, worker.topic_prefix, interview_id, turns_end(interview_id)
    )
    await poison_then(worker, SEGMENT_METRICS, interview_id, metrics_event(interview_id))
    await wait_for_record(
        worker.kafka_bootstrap, ANALYSIS_COMPLETED, worker.topic_prefix, key_is(interview_id)
    )


async def test_interview_turns(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await poison_then(worker, INTERVIEW_TURNS, interview_id, turns_end(interview_id))
    await wait_for_record(worker.kafka_bootstrap, ANSWER_ANALYSIS, worker.topic_prefix, key_is(interview_id))


async def test_answer_analysis(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await produce(
        worker.kafka_bootstrap,
        SEGMENT_METRICS,
        worker.topic_prefix,
        interview_id,
        metrics_event(interview_id),
    )
    await poison_then(worker, ANSWER_ANALYSIS, interview_id, turns_end(interview_id))
    await wait_for_record(
        worker.kafka_bootstrap, ANALYSIS_COMPLETED, worker.topic_prefix, key_is(interview_id)
    )


async def test_analysis_completed(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    analysis = await _analysis_for(worker, interview_id)
    await poison_then(worker, ANALYSIS_COMPLETED, interview_id, analysis)
    await wait_for_record(
        worker.kafka_bootstrap,
        INTERVIEW_STATE,
        worker.topic_prefix,
        lambda r: r.key == interview_id.encode() and r.decoded(INTERVIEW_STATE)["status"] == "COMPLETED",
    )


async def test_interview_state(worker: ServiceProcess) -> None:
    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await poison_then(worker, INTERVIEW_STATE, interview_id, state_event(interview_id))
    row = await _wait_for_row(worker.database_url, interview_id)
    assert row == ("TRANSCRIBING", 12.5)


async def _analysis_for(worker: ServiceProcess, source_id: str) -> dict[str, Any]:
    """A real AnalysisCompleted, made by the worker from a real segment."""
    helper_id = f"{source_id}-src"
    await produce(
        worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix, helper_id, segment_event(helper_id)
    )
    record = await wait_for_record(
        worker.kafka_bootstrap, ANALYSIS_COMPLETED, worker.topic_prefix, key_is(helper_id)
    )
    return {**record.decoded(ANALYSIS_COMPLETED), "interview_id": source_id}


async def _wait_for_row(database_url: str, interview_id: str, timeout: float = 30.0) -> tuple[str, float]:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:

        async def row() -> tuple[str, float] | None:
            cursor = await connection.execute(
                "SELECT status, percent FROM interview_states WHERE interview_id = %s", (interview_id,)
            )
            found = await cursor.fetchone()
            return None if found is None else (found[0], found[1])

        return await wait_until_async(row, timeout, f"an interview_states row for {interview_id}")


async def test_operators_see_the_dead_letters_and_the_lag(worker: ServiceProcess) -> None:
    """`ib ops` shows each poison message with its consumer and error, and the volumes."""
    from dev.operations import DeadLetterView, TopicReport, dead_letters, topic_reports

    interview_id = f"dlq-{uuid.uuid4().hex[:8]}"
    await poison_then(worker, TRANSCRIPT_SEGMENTS, interview_id, segment_event(interview_id))
    # Every consumer of the topic dead-letters its own copy; wait until all of them have.
    consumers = {"measure_speech", "pair_questions", "track_state"}

    async def letters_of_every_consumer() -> list[DeadLetterView] | None:
        letters = await dead_letters(worker.kafka_bootstrap, TRANSCRIPT_SEGMENTS, worker.topic_prefix)
        mine = [letter for letter in letters if letter.key == interview_id]
        return mine if {letter.consumer for letter in mine} >= consumers else None

    mine = await wait_until_async(
        letters_of_every_consumer, 30, f"dead letters of {interview_id} from {sorted(consumers)}"
    )
    assert all(
        letter.error_type == "SerializationError" and "magic byte" in letter.error_message for letter in mine
    )
    assert all(
        letter.source.startswith(TRANSCRIPT_SEGMENTS.full_name(worker.topic_prefix)) for letter in mine
    )

    group = f"{worker.topic_prefix}interview-buddy"
    dlq_name = dead_letter_topic(TRANSCRIPT_SEGMENTS).full_name(worker.topic_prefix)
    segments_name = TRANSCRIPT_SEGMENTS.full_name(worker.topic_prefix)

    async def reports_once_caught_up() -> dict[str, TopicReport] | None:
        reports = {r.name: r for r in await topic_reports(worker.kafka_bootstrap, worker.topic_prefix, group)}
        return reports if reports[segments_name].lag == 0 else None

    # The worker commits its offsets every second: wait until it has caught up.
    reports = await wait_until_async(reports_once_caught_up, 30, f"{group} catching up on {segments_name}")
    assert reports[segments_name].messages >= 2
    assert reports[dlq_name].messages >= len(mine)


#: Every topic a worker agent reads, and which agents read it: from the catalog (held to the
#: agents' code by tests/unit/test_catalog_names.py), so a new agent or input is covered here.
INPUTS = [
    (spec, sorted(set(spec.consumers) & set(AGENTS)))
    for spec in TOPICS
    if spec.has_dead_letters and set(spec.consumers) & set(AGENTS)
]
#: Agents that read a topic for its tombstones only (never decoding a value) and so have no
#: dead letter of its poison: the rollup reads analysis.completed to forget deleted interviews.
TOMBSTONES_ONLY = {(ANALYSIS_COMPLETED.name, "roll_up_analysis")}


def well_formed_record(spec: TopicSpec, key: str) -> dict[str, Any]:
    """A record its schema accepts, with arbitrary (seeded) content: some agents take it, some
    reject it; either way its partition must keep flowing."""
    random.seed(spec.name)
    record: dict[str, Any] = generate_one(parsed(spec.value_schema))
    for name in {spec.key, "interview_id", "user_id"} & set(record):
        record[name] = key
    return record


async def _send(worker: ServiceProcess, spec: TopicSpec, key: str, value: bytes) -> tuple[int, int]:
    producer = AIOKafkaProducer(bootstrap_servers=worker.kafka_bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            spec.full_name(worker.topic_prefix), key=key.encode(), value=value
        )
        return sent.partition, sent.offset
    finally:
        await producer.stop()


@pytest.mark.parametrize(("spec", "agents"), INPUTS, ids=[spec.name for spec, _ in INPUTS])
async def test_poison_on_every_input_of_every_agent(
    worker: ServiceProcess, spec: TopicSpec, agents: list[str]
) -> None:
    """Bytes that do not decode are dead-lettered at once by each agent that reads the topic,
    with the error, the attempt count and the source in the headers; a well-formed record of
    arbitrary content after it is taken or, where an agent rejects it (analyze_answers does,
    on interview.turns), dead-lettered after the retry policy's 3 attempts; and the partition
    moves past both (the worker's group commits beyond them)."""
    agents = [agent for agent in agents if (spec.name, agent) not in TOMBSTONES_ONLY]
    key = f"poison-{uuid.uuid4().hex[:8]}"
    partition, poison_offset = await _send(worker, spec, key, POISON)
    record = well_formed_record(spec, key)
    _, record_offset = await _send(worker, spec, key, codec.encode(spec.value_schema, record))
    source = spec.full_name(worker.topic_prefix)
    group = f"{worker.topic_prefix}interview-buddy"

    async def moved_past_both() -> bool:
        committed = await committed_offsets(worker.kafka_bootstrap, group)
        return committed.get((source, partition), -1) > record_offset

    await wait_until_async(
        moved_past_both, 90, f"{group} committing past {source}[{partition}]@{record_offset}"
    )

    def letters_of(offset: int) -> Callable[[list[Received]], bool]:
        return lambda seen: (
            {
                r.headers["ib-consumer"].decode()
                for r in seen
                if r.key == key.encode() and r.headers["ib-source-offset"] == str(offset).encode()
            }
            >= set(agents)
        )

    dlq = dead_letter_topic(spec)
    letters = await collect_until(worker.kafka_bootstrap, dlq, worker.topic_prefix, letters_of(poison_offset))
    poisoned = [
        r
        for r in letters
        if r.key == key.encode() and r.headers["ib-source-offset"] == str(poison_offset).encode()
    ]
    assert sorted(r.headers["ib-consumer"].decode() for r in poisoned) == agents
    for letter in poisoned:
        assert letter.headers["ib-error-type"] == b"SerializationError"
        assert letter.headers["ib-attempts"] == b"1"
        assert letter.headers["ib-source-topic"] == source.encode()
        assert letter.headers["ib-source-partition"] == str(partition).encode()
        assert letter.decoded(dlq)["value"] == POISON
    rejected = [
        r
        for r in letters
        if r.key == key.encode() and r.headers["ib-source-offset"] == str(record_offset).encode()
    ]
    for letter in rejected:
        assert letter.headers["ib-attempts"] == b"3", letter.headers
        assert letter.decoded(dlq)["value"] == codec.encode(spec.value_schema, record)
