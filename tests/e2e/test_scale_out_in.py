"""Scale out and in: a second worker joins while interviews flow, then the first one (the
group's leader) leaves with SIGTERM. The group rebalances twice, and every interview completes
once: one analysis, one notification and one email each.

test_rebalance_burst.py has the second worker leave again on a fresh stack; here the worker
that stays is the one that joined last, and what the user is told is counted too. The workers
recognize with the Azure engine against a local service (see test_rebalance_burst.py).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest

from dev import synthesize
from dev.kill_storm import wait_working
from dev.polling import wait_until
from dev.service_processes import worker_process
from dev.topic_records import Received, collect_until
from gateway.auth import dev_email
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, account, run_stack, upload_wav
from tests.e2e.interview_flow import (
    all_finished,
    emails_per_interview,
    statuses,
    stored_segments,
    stored_seqs,
    transcript_faults,
)
from tests.fakes.azure_speech import FakeSpeechService
from tests.integration.consumer_groups import wait_for_group
from topics.catalog import ANALYSIS_COMPLETED, NOTIFICATIONS, TopicSpec

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-scale"
INTERVIEWS = 16
#: Seconds the local speech service takes to answer each stretch of speech: slow enough that
#: work is left for the second worker when it has joined.
RECOGNITION_SECONDS = 0.5


@pytest.fixture(scope="module")
def speech_service() -> Iterator[FakeSpeechService]:
    with FakeSpeechService(dictation=True, delay=RECOGNITION_SECONDS) as service:
        yield service


def per_interview(records: list[Received], spec: TopicSpec, interview_ids: list[str]) -> Counter[str]:
    """How many records of ``spec`` (not tombstones) each of the interviews has."""
    decoded = [record.decoded(spec) for record in records if record.value]
    return Counter(value["interview_id"] for value in decoded if value["interview_id"] in interview_ids)


def test_every_interview_completes_once_while_a_worker_joins_and_another_leaves(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    speech_service: FakeSpeechService,
    smtp_server: SmtpServer,
) -> None:
    recordings = synthesize.make_short_interviews(tmp_path_factory.mktemp("scale-recordings"), INTERVIEWS)
    run_dir = tmp_path_factory.mktemp("scale-stack")
    worker_env = {
        "IB_ASR_ENGINE": "azure",
        "IB_AZURE_SPEECH_ENDPOINT": speech_service.host,
        "IB_AZURE_SPEECH_KEY": "local-service-key",
        "IB_SMTP_PORT": str(smtp_server.port),
    }
    stack: Stack = run_stack(kafka_bootstrap, database_url, run_dir, worker_env)
    prefix = stack.worker.topic_prefix
    group_id = f"{prefix}interview-buddy"
    second = worker_process(prefix, run_dir, kafka_bootstrap, database_url)  # the same blob store
    second.extra_env.update(worker_env)
    interview_ids: list[str] = []
    try:
        with stack.client(USER) as client:
            for number, recording in enumerate(recordings):
                interview_ids.append(upload_wav(client, recording, f"Scale {number}"))
            wait_working(stack.worker)
            second.start()  # scale out, with most recordings still waiting
            asyncio.run(wait_for_group(kafka_bootstrap, group_id, members=2))
            wait_until(
                lambda: "transcribed" in second.log_path.read_text(errors="replace"),
                120,
                "the second worker transcribing a recording",
            )
            stack.worker.stop()  # scale in: the first worker, the group's leader, leaves
            asyncio.run(wait_for_group(kafka_bootstrap, group_id, members=1))
            try:
                wait_until(lambda: all_finished(client, interview_ids), 300, "every interview finishing")
            except AssertionError as failure:
                raise AssertionError(
                    f"{failure}: {dict(statuses(client, interview_ids))}\n{second.problems()}"
                ) from None
            assert statuses(client, interview_ids) == {"COMPLETED": INTERVIEWS}, second.problems()
            address = dev_email(account(USER))
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
        stack.gateway.stop()
        stack.worker.stop()

    segments = stored_segments(database_url, interview_ids)
    assert transcript_faults(segments) == {}
    assert stored_seqs(database_url, "segment_metrics", interview_ids) == {
        interview_id: [seq for seq, *_ in rows] for interview_id, rows in segments.items()
    }, "every segment has its metrics once"
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
    notification_ids = Counter(
        record.decoded(NOTIFICATIONS)["interview_id"]
        for record in {r.decoded(NOTIFICATIONS)["notification_id"]: r for r in notifications}.values()
    )
    assert notification_ids == dict.fromkeys(interview_ids, 1), "one notification each"
    assert emails == dict.fromkeys(interview_ids, 1), "one email each"
