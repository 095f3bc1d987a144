"""A kill storm: while 20 interviews flow, the worker is killed with SIGKILL again and again at
random moments 0.5-10 s into its work (like Faust's own stress killer) and started again each time. All
20 complete, with every transcript segment there once, no stretch of a transcript written twice
and none stuck.

The moments are seeded: the seed is printed, and ``IB_KILL_STORM_SEED=<seed>`` replays a storm.
As in test_rebalance_burst.py the worker recognizes with the Azure engine (the real Speech SDK)
against a local service that hears a phrase in every 3 s of audio: the crashes are under test,
not the words, and a recognizer that costs no CPU leaves the 2 cores to the restarts.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Iterator

import pytest

from dev import synthesize
from dev.kill_storm import KillStorm, wait_working
from dev.polling import wait_until
from dev.topic_records import collect_until
from tests.e2e.conftest import Stack, run_stack, upload_wav
from tests.e2e.interview_flow import (
    all_finished,
    segments_redone_differently,
    statuses,
    stored_segments,
    stored_seqs,
    transcript_faults,
)
from tests.fakes.azure_speech import FakeSpeechService
from topics.catalog import ANALYSIS_COMPLETED, TRANSCRIPT_SEGMENTS

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-kill-storm"
INTERVIEWS = 20
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


def storm_seed() -> int:
    seed = int(os.environ.get("IB_KILL_STORM_SEED") or random.SystemRandom().randrange(2**32))
    print(f"kill storm seed {seed} (replay: IB_KILL_STORM_SEED={seed})")
    return seed


def test_twenty_interviews_complete_whole_and_once_through_a_kill_storm(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    speech_service: FakeSpeechService,
) -> None:
    seed = storm_seed()
    recordings = synthesize.make_short_interviews(tmp_path_factory.mktemp("storm-recordings"), INTERVIEWS)
    azure = {
        "IB_ASR_ENGINE": "azure",
        "IB_AZURE_SPEECH_ENDPOINT": speech_service.host,
        "IB_AZURE_SPEECH_KEY": "local-service-key",
        "IB_KAFKA_SESSION_TIMEOUT_SECONDS": SESSION_TIMEOUT_SECONDS,
    }
    stack: Stack = run_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("storm-stack"), azure)
    prefix = stack.worker.topic_prefix
    storm = KillStorm(stack.worker, seed, MAX_KILLS)
    interview_ids: list[str] = []
    try:
        with stack.client(USER) as client:
            for number, recording in enumerate(recordings):
                interview_ids.append(upload_wav(client, recording, f"Storm {number}"))
            wait_working(stack.worker)
            kills = storm.run(lambda: all_finished(client, interview_ids))
            print(f"{kills} kills, {len(storm.gaps)} gaps of {[round(gap, 1) for gap in storm.gaps]} s")
            try:
                wait_until(lambda: all_finished(client, interview_ids), 300, "every interview finishing")
            except AssertionError as failure:
                raise AssertionError(
                    f"{failure} after {kills} kills (seed {seed}): {dict(statuses(client, interview_ids))}"
                    f"\n{stack.worker.problems()}"
                ) from None
            assert statuses(client, interview_ids) == {"COMPLETED": INTERVIEWS}, (
                f"seed {seed}\n{stack.worker.problems()}"
            )
    finally:
        stack.gateway.stop()
        stack.worker.stop()

    assert kills >= 1, f"the storm killed the worker at least once before all finished (gaps {storm.gaps})"
    segments = stored_segments(database_url, interview_ids)
    assert transcript_faults(segments) == {}, f"seed {seed}, kills {kills}"
    assert stored_seqs(database_url, "segment_metrics", interview_ids) == {
        interview_id: [seq for seq, *_ in rows] for interview_id, rows in segments.items()
    }, f"every segment has its metrics once (seed {seed})"
    wanted = {interview_id.encode() for interview_id in interview_ids}
    on_topic = asyncio.run(
        collect_until(
            kafka_bootstrap,
            TRANSCRIPT_SEGMENTS,
            prefix,
            lambda seen: sum(1 for r in seen if r.key in wanted) >= sum(map(len, segments.values())),
            timeout=60,
        )
    )
    assert segments_redone_differently(on_topic) == {}, f"seed {seed}"
    analyses = asyncio.run(
        collect_until(
            kafka_bootstrap,
            ANALYSIS_COMPLETED,
            prefix,
            lambda seen: {record.key for record in seen if record.value} >= wanted,
            timeout=60,
        )
    )
    assert {record.key for record in analyses if record.value} >= wanted
