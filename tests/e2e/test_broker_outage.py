"""The broker stopped for 30 s while interviews flow, then started again: every interview
completes, nothing lost or doubled. Meanwhile the gateway keeps answering what it can: an
interview's status (from the read model) is its last known one, never "failed"; an upload is
refused at once with 503 ``broker_unavailable`` and ``Retry-After``, before a byte is stored,
and the same upload made again once the broker is back is analysed like any other.

The broker, the worker and the gateway are the test's own (spare loopback ports, own data
dir): the shared broker that other tests use is never stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from dev.polling import wait_until
from dev.stack.config import StackConfig
from dev.stack.kafka import start_node, stop_node, wait_for_node
from tests.e2e.conftest import upload_wav
from tests.e2e.fault_flow import (
    assert_nothing_lost_or_doubled,
    fault_stack,
    short_interviews,
    stored_seqs,
    wait_all_finished,
)
from tests.e2e.own_kafka import own_kafka
from tests.fakes.azure_speech import FakeSpeechService

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-broker-outage"
INTERVIEWS = 4
RECOGNITION_SECONDS = 1.0
OUTAGE_SECONDS = 30.0


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    with own_kafka(tmp_path_factory.mktemp("own-broker"), brokers=1) as cfg:
        yield cfg


def put_recording(client: httpx.Client, interview_id: str, recording: bytes) -> httpx.Response:
    return client.put(
        f"/interviews/{interview_id}/recording",
        content=recording,
        headers={"Content-Type": "audio/wav", "X-Filename": "late.wav"},
    )


def test_a_broker_stopped_for_30_s_delays_but_loses_nothing_and_uploads_are_told_to_retry(
    broker: StackConfig, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bootstrap = broker.kafka_bootstrap
    node = broker.kafka_nodes[0]
    *recordings, late_recording = short_interviews(
        tmp_path_factory.mktemp("outage-recordings"), INTERVIEWS + 1
    )
    with FakeSpeechService(dictation=True, delay=RECOGNITION_SECONDS) as speech:
        stack = fault_stack(bootstrap, database_url, tmp_path_factory.mktemp("outage"), speech, 1)
        try:
            with stack.client(USER) as client:
                interview_ids = [
                    upload_wav(client, recording, f"Outage {number}")
                    for number, recording in enumerate(recordings)
                ]
                created = client.post("/interviews", json={"company": "Outage late"})
                assert created.status_code == 201, created.text
                late_id = str(created.json()["interview_id"])
                wait_until(
                    lambda: any(stored_seqs(database_url, "segment_metrics", interview_ids).values()),
                    180,
                    "the first segment metrics",
                )

                stop_node(broker, node, report=lambda line: None)
                stopped = time.monotonic()
                refusals, seen_statuses = 0, set()
                # Bounded by the outage: the gateway is asked again and again while the broker is away.
                while time.monotonic() - stopped < OUTAGE_SECONDS:
                    refused = put_recording(client, late_id, late_recording.read_bytes())
                    assert refused.status_code == 503, refused.text
                    assert refused.json()["error"]["code"] == "broker_unavailable"
                    assert "try again" in refused.json()["error"]["message"]
                    assert int(refused.headers["Retry-After"]) > 0
                    refusals += 1
                    for interview_id in interview_ids:
                        answer = client.get(f"/interviews/{interview_id}/status")
                        assert answer.status_code == 200, answer.text
                        seen_statuses.add(answer.json()["status"])
                    late = client.get(f"/interviews/{late_id}/status").json()
                    assert late["status"] == "CREATED", "a refused upload stored nothing"
                assert refusals >= 2
                assert "FAILED" not in seen_statuses, seen_statuses

                wait_for_node(broker, node, start_node(broker, node, report=lambda line: None))
                # The same upload again, as the 503 told the user, once the gateway reaches the broker.
                accepted = wait_until(
                    lambda: (
                        (answer := put_recording(client, late_id, late_recording.read_bytes())).status_code
                        == 202
                        and answer
                    ),
                    60,
                    "the upload accepted after the broker came back",
                )
                assert accepted.json()["interview_id"] == late_id
                interview_ids.append(late_id)
                wait_all_finished(stack, client, interview_ids, 600)
        finally:
            stack.gateway.stop()
            stack.worker.stop()

    assert_nothing_lost_or_doubled(bootstrap, database_url, stack.worker.topic_prefix, interview_ids)
