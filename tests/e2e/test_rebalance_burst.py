"""A burst of uploads on a fresh stack, through the group's first rebalances and a second
worker joining and leaving while the transcriber holds several recordings: every recording is
analysed once, and every transcript has all its segments, 0..final, without holes.

This is what a new user did on a fresh clone when 8 of 20 recordings were never transcribed
and one analysis completed with half its transcript.

The workers recognize with the Azure engine (the real Speech SDK) against a local service that
hears a phrase in every 3 s of audio and answers each stretch of speech after a pause: the
handler still takes seconds a recording, while the group, not the words, is under test (the
words are, in tests/e2e/test_analyze_accuracy.py); what the recognizer costs in CPU is left out.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dev import synthesize
from dev.polling import wait_until
from dev.service_processes import worker_process
from dev.topic_records import collect_until
from tests.e2e.conftest import Stack, run_stack, upload_wav
from tests.fakes.azure_speech import FakeSpeechService
from tests.integration.consumer_groups import wait_for_group
from topics.catalog import ANALYSIS_COMPLETED

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-burst"
RECORDINGS = 30
#: Seconds the local speech service takes to answer each stretch of speech (three or four a recording).
RECOGNITION_SECONDS = 0.5
#: How often the thirty recordings' statuses are asked for while the burst is processed.
STATUS_POLL_SECONDS = 2.0
TOPICS = ("scheduler", "billing service", "mobile app", "data pipeline", "search page", "test suite")


@pytest.fixture(scope="module")
def short_answers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Thirty short, different question-and-answer recordings (about 8 s each)."""
    root = tmp_path_factory.mktemp("burst")
    answers = []
    for number in range(RECORDINGS):
        topic = TOPICS[number % len(TOPICS)]
        question, answer = root / f"q{number}.wav", root / f"a{number}.wav"
        synthesize.speak(f"Tell me about project {number + 1}.", question, voice=synthesize.INTERVIEWER_VOICE)
        synthesize.speak(
            f"Um, in project {number + 1} I rebuilt the {topic}, uh, and it saved {number + 2} hours a week.",
            answer,
        )
        out = root / f"answer_{number:02d}.wav"
        synthesize.join_with_pause([question, answer], out, pause_seconds=0.8)
        answers.append(out)
    return answers


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


@pytest.fixture(scope="module")
def speech_service() -> Iterator[FakeSpeechService]:
    with FakeSpeechService(dictation=True, delay=RECOGNITION_SECONDS) as service:
        yield service


def test_a_burst_through_a_join_and_a_leave_on_a_fresh_stack_completes_every_recording(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    short_answers: list[Path],
    speech_service: FakeSpeechService,
) -> None:
    run_dir = tmp_path_factory.mktemp("burst-stack")
    azure = {
        "IB_ASR_ENGINE": "azure",
        "IB_AZURE_SPEECH_ENDPOINT": speech_service.host,
        "IB_AZURE_SPEECH_KEY": "local-service-key",
    }
    stack: Stack = run_stack(kafka_bootstrap, database_url, run_dir, azure)
    prefix = stack.worker.topic_prefix
    group_id = f"{prefix}interview-buddy"
    second = worker_process(prefix, run_dir, kafka_bootstrap, database_url)  # the same blob store
    second.extra_env.update(azure)
    interview_ids: list[str] = []
    try:
        with stack.client(USER) as client:
            # The first half at once, as the worker's group forms: the transcriber's buffer fills.
            for number, recording in enumerate(short_answers[: RECORDINGS // 2]):
                interview_ids.append(upload_wav(client, recording, f"Burst {number}"))
            # A second worker joins while the first holds a backlog, the rest arrive meanwhile...
            second.start()
            for number, recording in enumerate(short_answers[RECORDINGS // 2 :], start=RECORDINGS // 2):
                interview_ids.append(upload_wav(client, recording, f"Burst {number}"))
            asyncio.run(wait_for_group(kafka_bootstrap, group_id, members=2))  # the second worker joined
            # ...and leaves again once it has taken work, with recordings in its hands.
            wait_until(
                lambda: "transcribed" in second.log_path.read_text(errors="replace"),
                180,
                "the second worker transcribing a recording",
            )
            second.stop()

            def statuses() -> Counter[str]:
                return Counter(
                    client.get(f"/interviews/{interview_id}/status").json()["status"]
                    for interview_id in interview_ids
                )

            def finished() -> Counter[str] | None:
                counted = statuses()
                return counted if counted["COMPLETED"] + counted["FAILED"] == RECORDINGS else None

            try:
                # Asked every 2 s, once: sixty status calls four times a second (each poll asked
                # twice) cost the gateway CPU that the workers under test need on 2 cores.
                wait_until(finished, 900, "every recording finishing", interval=STATUS_POLL_SECONDS)
            except AssertionError as failure:
                raise AssertionError(f"{failure}: {dict(statuses())}\n{stack.worker.problems()}") from None
            assert statuses() == Counter({"COMPLETED": RECORDINGS}), stack.worker.problems()
    finally:
        second.stop()
        stack.gateway.stop()
        stack.worker.stop()

    segments = stored_seqs(database_url, "transcript_segments", interview_ids)
    metrics = stored_seqs(database_url, "segment_metrics", interview_ids)
    with_holes = {
        interview_id: seqs
        for interview_id, seqs in segments.items()
        if not seqs or seqs != list(range(len(seqs)))
    }
    assert with_holes == {}, "every transcript has its segments 0..final"
    assert metrics == segments, "every segment has its metrics"
    with psycopg.connect(database_url) as connection:
        finals = dict(
            connection.execute(
                "SELECT interview_id, max(seq) FROM transcript_segments"
                " WHERE interview_id = ANY(%s) AND final"
                " GROUP BY interview_id",
                (interview_ids,),
            ).fetchall()
        )
    assert {str(key): int(value) for key, value in finals.items()} == {
        interview_id: len(seqs) - 1 for interview_id, seqs in segments.items()
    }, "the last stored segment of each transcript is its final one"
    analyses = asyncio.run(
        collect_until(
            kafka_bootstrap,
            ANALYSIS_COMPLETED,
            prefix,
            lambda seen: (
                {record.key for record in seen if record.value} >= {i.encode() for i in interview_ids}
            ),
            timeout=60,
        )
    )
    completed = Counter(record.key.decode() for record in analyses if record.value and record.key)
    assert {interview_id: completed[interview_id] for interview_id in interview_ids} == dict.fromkeys(
        interview_ids, 1
    ), "each recording analysed once"
