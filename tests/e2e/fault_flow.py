"""What the broker fault tests share: short recordings, a worker and a gateway of their own on
the test's own Kafka (the recognizer being the real Azure Speech SDK against a local service, as
in test_rebalance_burst.py: the broker, not the words, is under test), and the checks that
nothing was lost or doubled on the way."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
import psycopg

from dev import synthesize
from dev.polling import wait_until
from dev.topic_records import Received, collect_until
from tests.e2e.conftest import Stack, run_stack
from tests.fakes.azure_speech import FakeSpeechService
from topics.catalog import ANALYSIS_COMPLETED, SEGMENT_METRICS, TRANSCRIPT_SEGMENTS, TopicSpec

TOPICS = ("scheduler", "billing service", "mobile app", "data pipeline", "search page", "test suite")


def short_interviews(root: Path, count: int) -> list[Path]:
    """``count`` different question-and-answer recordings of about 10 s each."""
    root.mkdir(parents=True, exist_ok=True)
    recordings = []
    for number in range(count):
        topic = TOPICS[number % len(TOPICS)]
        question, answer = root / f"q{number}.wav", root / f"a{number}.wav"
        synthesize.speak(f"Tell me about project {number + 1}.", question, voice=synthesize.INTERVIEWER_VOICE)
        synthesize.speak(
            f"Um, in project {number + 1} I rebuilt the {topic}, uh, and it saved {number + 2} hours a "
            "week. Then I wrote down what we learned, and the team kept using it.",
            answer,
        )
        out = root / f"interview_{number:02d}.wav"
        synthesize.join_with_pause([question, answer], out, pause_seconds=0.8)
        recordings.append(out)
    return recordings


def fault_stack(
    bootstrap: str, database_url: str, run_dir: Path, speech: FakeSpeechService, replication_factor: int
) -> Stack:
    """A worker and a gateway on ``bootstrap`` that create their topics on ``replication_factor`` brokers."""
    env = {
        "IB_ASR_ENGINE": "azure",
        "IB_AZURE_SPEECH_ENDPOINT": speech.host,
        "IB_AZURE_SPEECH_KEY": "local-service-key",
        "IB_KAFKA_REPLICATION_FACTOR": str(replication_factor),
    }
    return run_stack(bootstrap, database_url, run_dir, env, gateway_env=env)


def statuses(client: httpx.Client, interview_ids: list[str]) -> Counter[str]:
    return Counter(client.get(f"/interviews/{i}/status").json()["status"] for i in interview_ids)


def wait_all_finished(stack: Stack, client: httpx.Client, interview_ids: list[str], timeout: float) -> None:
    def finished() -> bool:
        seen = statuses(client, interview_ids)
        return seen["COMPLETED"] + seen["FAILED"] == len(interview_ids)

    try:
        wait_until(finished, timeout, "every interview finishing")
    except AssertionError as failure:
        raise AssertionError(
            f"{failure}: {dict(statuses(client, interview_ids))}\n{stack.worker.problems()}"
        ) from None
    assert statuses(client, interview_ids) == Counter({"COMPLETED": len(interview_ids)}), (
        stack.worker.problems()
    )


def stored_seqs(database_url: str, table: str, interview_ids: list[str]) -> dict[str, list[int]]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            f"SELECT interview_id, seq FROM {table} WHERE interview_id = ANY(%s) ORDER BY interview_id, seq",
            (interview_ids,),
        ).fetchall()
    found: dict[str, list[int]] = {interview_id: [] for interview_id in interview_ids}
    for interview_id, seq in rows:
        found[str(interview_id)].append(int(seq))
    return found


def topic_records(bootstrap: str, spec: TopicSpec, prefix: str, count: int) -> list[Received]:
    """Every record of a topic, read from the start until at least ``count`` came."""
    return asyncio.run(collect_until(bootstrap, spec, prefix, lambda seen: len(seen) >= count, timeout=60))


def assert_nothing_lost_or_doubled(
    bootstrap: str, database_url: str, prefix: str, interview_ids: list[str]
) -> list[Received]:
    """Every transcript whole (0..final) in the read model with its metrics; on the topics,
    each segment and each segment's metrics once, and each analysis once. Returns the
    ``segment.metrics`` records (their CreateTimes show the flow's pauses)."""
    segments = stored_seqs(database_url, "transcript_segments", interview_ids)
    holes = {i: seqs for i, seqs in segments.items() if not seqs or seqs != list(range(len(seqs)))}
    assert holes == {}, "every transcript has its segments 0..final"
    assert stored_seqs(database_url, "segment_metrics", interview_ids) == segments, (
        "every segment has its metrics"
    )
    expected = sum(len(seqs) for seqs in segments.values())
    on_topics = {}
    for spec in (TRANSCRIPT_SEGMENTS, SEGMENT_METRICS):
        records = on_topics[spec.name] = topic_records(bootstrap, spec, prefix, expected)
        written = Counter(
            (decoded["interview_id"], decoded["seq"]) for decoded in (r.decoded(spec) for r in records)
        )
        doubled = {key: times for key, times in written.items() if times != 1}
        assert doubled == {}, f"each record of {spec.name} written once"
        assert len(written) == expected, f"every segment on {spec.name}"
    analyses = topic_records(bootstrap, ANALYSIS_COMPLETED, prefix, len(interview_ids))
    completed = Counter(record.key.decode() for record in analyses if record.value and record.key)
    assert dict(completed) == dict.fromkeys(interview_ids, 1), "each interview analysed once"
    return on_topics[SEGMENT_METRICS.name]
