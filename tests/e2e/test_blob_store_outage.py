"""The blob store unreachable for a while (a loopback proxy in front of the shared Azurite, cut
and restored; Azurite itself is never stopped): the interviews say "delayed", never "failed",
and once the store is back each completes, its transcript written once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from dev.polling import wait_until
from dev.service_processes import gateway_process, new_prefix, worker_process
from dev.tcp_proxy import TcpProxy
from tests.e2e.conftest import Stack
from topics.admin import delete_prefixed_topics

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-blob-outage"
#: Two different recordings (the same file twice would be linked as a duplicate).
UPLOADS = {"good_speech_wav": "audio/wav", "good_m4a": "audio/mp4"}


@pytest.fixture
def outage_stack(
    kafka_bootstrap: str, database_url: str, azurite_connection_string: str, tmp_path: Path
) -> Iterator[tuple[Stack, TcpProxy]]:
    """A gateway and a (not yet started) worker that reach Azurite through a proxy of their own."""
    azurite_port = int(re.search(r"BlobEndpoint=http://127\.0\.0\.1:(\d+)/", azurite_connection_string)[1])  # type: ignore[index]
    with TcpProxy(azurite_port) as proxy:
        prefix = new_prefix()
        azure = {
            "IB_BLOB_STORE": "azure",
            "IB_AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string.replace(
                f"127.0.0.1:{azurite_port}/", f"127.0.0.1:{proxy.port}/"
            ),
            "IB_AZURE_BLOB_CONTAINER": f"{prefix}recordings".strip("-").replace("--", "-"),
        }
        worker = worker_process(prefix, tmp_path, kafka_bootstrap, database_url)
        gateway = gateway_process(prefix, tmp_path, kafka_bootstrap, database_url)
        # Waits of at most 2 s while the store is away, so the test sees it back in a moment.
        worker.extra_env.update({**azure, "IB_RETRY_MAX_BACKOFF_SECONDS": "2"})
        gateway.extra_env.update({**azure, "IB_QUOTA_RECORDINGS": "1000"})
        gateway.start()
        try:
            yield Stack(worker, gateway), proxy
        finally:
            gateway.stop()
            worker.stop()
            asyncio.run(delete_prefixed_topics(kafka_bootstrap, prefix))


def upload(client: httpx.Client, recording: Path, content_type: str) -> str:
    interview_id = str(
        client.post("/interviews", json={"company": "Acme"}).raise_for_status().json()["interview_id"]
    )
    client.put(
        f"/interviews/{interview_id}/recording",
        content=recording.read_bytes(),
        headers={"Content-Type": content_type, "X-Filename": recording.name},
        timeout=60,
    ).raise_for_status()
    return interview_id


def test_an_unreachable_blob_store_delays_interviews_then_each_completes_once(
    outage_stack: tuple[Stack, TcpProxy], recordings: dict[str, Path]
) -> None:
    stack, proxy = outage_stack
    with stack.client(USER) as client:
        interview_ids = [upload(client, recordings[name], kind) for name, kind in UPLOADS.items()]
        proxy.cut()
        stack.worker.start()
        seen: dict[str, set[str]] = {interview_id: set() for interview_id in interview_ids}

        def states() -> dict[str, dict[str, object]]:
            found = {i: client.get(f"/interviews/{i}").raise_for_status().json() for i in interview_ids}
            for interview_id, interview in found.items():
                seen[interview_id].add(str(interview["status"]))
            return found

        def when(
            holds: Callable[[dict[str, object]], bool],
        ) -> Callable[[], dict[str, dict[str, object]] | None]:
            def check() -> dict[str, dict[str, object]] | None:
                found = states()
                return found if all(holds(interview) for interview in found.values()) else None

            return check

        delayed = wait_until(
            when(lambda interview: "delayed" in str(interview["notice"])),
            120,
            "every interview's state saying it is delayed while the blob store is away",
        )
        assert {interview["status"] for interview in delayed.values()} == {"UPLOADED"}
        proxy.restore()
        done = wait_until(
            when(lambda interview: interview["status"] in ("COMPLETED", "FAILED")),
            300,
            "every interview finished once the blob store is back",
        )
        assert {i: interview["status"] for i, interview in done.items()} == dict.fromkeys(
            interview_ids, "COMPLETED"
        ), stack.worker.problems()
        assert all(interview["notice"] is None for interview in done.values())
        assert all("FAILED" not in statuses for statuses in seen.values()), seen
        for interview_id in interview_ids:
            segments = (
                client.get(f"/interviews/{interview_id}/transcript").raise_for_status().json()["segments"]
            )
            assert [segment["seq"] for segment in segments] == list(range(len(segments))) and segments
