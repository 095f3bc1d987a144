"""Workers that come and go while interviews flow, on one stack of their own (worker, gateway):

- A kill storm: while 20 interviews flow, the worker is killed with SIGKILL again and again at
  random moments 0.5-10 s into its work (like Faust's own stress killer) and started again each
  time. All 20 complete, with every transcript segment there once, no stretch of a transcript
  written twice and none stuck. The moments are seeded: the seed is printed, and
  ``IB_KILL_STORM_SEED=<seed>`` replays a storm.
- Scale out and in: a second worker joins while interviews flow, then the first one (the
  group's leader) leaves with SIGTERM. Every interview completes once: one analysis, one
  notification and one email each. (test_rebalance_burst.py has the second worker leave again,
  on a fresh stack.)

The two share the stack so that its fresh start (every topic made) is paid once. As in
test_rebalance_burst.py the workers recognize with the Azure engine (the real Speech SDK)
against a local service that hears a phrase in every 3 s of audio: the workers' comings and
goings are under test, not the words, and a recognizer that costs no CPU leaves the 2 cores to
the restarts.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from collections.abc import Iterator

import pytest

from dev import synthesize
from dev.kill_storm import KillStorm, wait_working
from dev.polling import wait_until
from dev.service_processes import worker_process
from dev.topic_records import Received, collect_until
from gateway.auth import dev_email
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, account, run_stack, upload_wav
from tests.e2e.interview_flow import (
    all_finished,
    emails_per_interview,
    segments_redone_differently,
    statuses,
    stored_segments,
    stored_seqs,
    transcript_faults,
)
from tests.fakes.azure_speech import FakeSpeechService
from tests.integration.consumer_groups import wait_for_group
from topics.admin import delete_prefixed_topics
from topics.catalog import ANALYSIS_COMPLETED, NOTIFICATIONS, TRANSCRIPT_SEGMENTS, TopicSpec

pytestmark = [pytest.mark.stack, pytest.mark.slow]

STORM_INTERVIEWS = 20
SCALE_INTERVIEWS = 16
#: A bound on the storm: it ends sooner when every interview has finished.
MAX_KILLS = 4
#: Seconds the local speech service takes to answer each stretch of speech.
RECOGNITION_SECONDS = 0.2
#: A crashed worker is noticed by its group after this long without a heartbeat (the broker's
#: least): with the default 30 s every kill would stall the group for half a minute, and the
#: storm would be all waiting.
SESSION_TIMEOUT_SECONDS = "6"


@pytest.fixture(scope="module")
def speech_service() -> Iterator[FakeSpeechService]:
    with FakeSpeechService(dictation=True, delay=RECOGNITION_SECONDS) as service:
        yield service


@pytest.fixture(scope="module")
def flowing(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    speech_service: FakeSpeechService,
    smtp_server: SmtpServer,
) -> Iterator[Stack]:
    worker_env = {
        "IB_ASR_ENGINE": "azure",
        "IB_AZURE_SPEECH_ENDPOINT": speech_service.host,
        "IB_AZURE_SPEECH_KEY": "local-service-key",
        "IB_KAFKA_SESSION_TIMEOUT_SECONDS": SESSION_TIMEOUT_SECONDS,
        "IB_SMTP_PORT": str(smtp_server.port),
    }
    stack = run_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("faults-stack"), worker_env)
    try:
        yield stack
    finally:
        stack.gateway.stop()
        stack.worker.stop()
        asyncio.run(delete_prefixed_topics(kafka_bootstrap, stack.worker.topic_prefix))


def storm_seed() -> int:
    seed = int(os.environ.get("IB_KILL_STORM_SEED") or random.SystemRandom().randrange(2**32))
    print(f"kill storm seed {seed} (replay: IB_KILL_STORM_SEED={seed})")
    return seed


def per_interview(records: list[Received], spec: TopicSpec, interview_ids: list[str]) -> Counter[str]:
    """How many records of ``spec`` (not tombstones) each of the interviews has."""
    decoded = [record.decoded(spec) for record in records if record.value]
    return Counter(value["interview_id"] for value in decoded if value["interview_id"] in interview_ids)


def assert_transcripts_whole(database_url: str, interview_ids: list[str], context: str) -> int:
    """Every transcript 0..final without holes, overlaps or repeats, each segment with its
    metrics once; the number of segments."""
    segments = stored_segments(database_url, interview_ids)
    assert transcript_faults(segments) == {}, context
    assert stored_seqs(database_url, "segment_metrics", interview_ids) == {
        interview_id: [seq for seq, *_ in rows] for interview_id, rows in segments.items()
    }, f"every segment has its metrics once ({context})"
    return sum(map(len, segments.values()))


def test_twenty_interviews_complete_whole_and_once_through_a_kill_storm(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory, flowing: Stack
) -> None:
    seed = storm_seed()
    recordings = synthesize.make_short_interviews(tmp_path_factory.mktemp("storm"), STORM_INTERVIEWS)
    storm = KillStorm(flowing.worker, seed, MAX_KILLS)
    interview_ids: list[str] = []
    with flowing.client("e2e-kill-storm") as client:
        for number, recording in enumerate(recordings):
            interview_ids.append(upload_wav(client, recording, f"Storm {number}"))
        wait_working(flowing.worker)
        kills = storm.run(lambda: all_finished(client, interview_ids))
        print(f"{kills} kills, {len(storm.gaps)} gaps of {[round(gap, 1) for gap in storm.gaps]} s")
        try:
            wait_until(lambda: all_finished(client, interview_ids), 300, "every interview finishing")
        except AssertionError as failure:
            raise AssertionError(
                f"{failure} after {kills} kills (seed {seed}): {dict(statuses(client, interview_ids))}"
                f"\n{flowing.worker.problems()}"
            ) from None
        assert statuses(client, interview_ids) == {"COMPLETED": STORM_INTERVIEWS}, (
            f"seed {seed}\n{flowing.worker.problems()}"
        )

    assert kills >= 1, f"the storm killed the worker at least once before all finished (gaps {storm.gaps})"
    stored = assert_transcripts_whole(database_url, interview_ids, f"seed {seed}, {kills} kills")
    wanted = {interview_id.encode() for interview_id in interview_ids}
    prefix = flowing.worker.topic_prefix
    on_topic = asyncio.run(
        collect_until(
            kafka_bootstrap,
            TRANSCRIPT_SEGMENTS,
            prefix,
            lambda seen: sum(1 for record in seen if record.key in wanted) >= stored,
            timeout=60,
        )
    )
    assert segments_redone_differently(on_topic) == {}, f"seed {seed}"


def test_every_interview_completes_once_while_a_worker_joins_and_another_leaves(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    flowing: Stack,
    smtp_server: SmtpServer,
) -> None:
    recordings = synthesize.make_short_interviews(tmp_path_factory.mktemp("scale"), SCALE_INTERVIEWS)
    prefix = flowing.worker.topic_prefix
    group_id = f"{prefix}interview-buddy"
    second = worker_process(prefix, flowing.worker.run_dir, kafka_bootstrap, database_url)  # same blobs
    second.extra_env.update(flowing.worker.extra_env)
    user = "e2e-scale"
    interview_ids: list[str] = []
    try:
        with flowing.client(user) as client:
            for number, recording in enumerate(recordings):
                interview_ids.append(upload_wav(client, recording, f"Scale {number}"))
            wait_working(flowing.worker)
            second.start()  # scale out, with most recordings still waiting
            asyncio.run(wait_for_group(kafka_bootstrap, group_id, members=2))
            wait_until(
                lambda: "transcribed" in second.log_path.read_text(errors="replace"),
                120,
                "the second worker transcribing a recording",
            )
            flowing.worker.stop()  # scale in: the first worker, the group's leader, leaves
            asyncio.run(wait_for_group(kafka_bootstrap, group_id, members=1))
            try:
                wait_until(lambda: all_finished(client, interview_ids), 300, "every interview finishing")
            except AssertionError as failure:
                raise AssertionError(
                    f"{failure}: {dict(statuses(client, interview_ids))}\n{second.problems()}"
                ) from None
            assert statuses(client, interview_ids) == {"COMPLETED": SCALE_INTERVIEWS}, second.problems()
            address = dev_email(account(user))
            emails = wait_until(
                lambda: (
                    (found := emails_per_interview(smtp_server.messages_to(address), interview_ids))
                    and all(found.values())
                    and found
                ),
                60,
                "an email for every interview",
            )
    finally:
        second.stop()

    assert_transcripts_whole(database_url, interview_ids, "scale out and in")
    wanted = set(interview_ids)
    analyses = asyncio.run(
        collect_until(
            kafka_bootstrap,
            ANALYSIS_COMPLETED,
            prefix,
            lambda seen: set(per_interview(seen, ANALYSIS_COMPLETED, interview_ids)) >= wanted,
            timeout=60,
        )
    )
    assert per_interview(analyses, ANALYSIS_COMPLETED, interview_ids) == dict.fromkeys(interview_ids, 1), (
        "each interview analysed once"
    )
    notifications = asyncio.run(
        collect_until(
            kafka_bootstrap,
            NOTIFICATIONS,
            prefix,
            lambda seen: set(per_interview(seen, NOTIFICATIONS, interview_ids)) >= wanted,
            timeout=60,
        )
    )
    distinct = {record.decoded(NOTIFICATIONS)["notification_id"]: record for record in notifications}
    assert per_interview(list(distinct.values()), NOTIFICATIONS, interview_ids) == dict.fromkeys(
        interview_ids, 1
    ), "one notification each"
    assert emails == dict.fromkeys(interview_ids, 1), "one email each"
