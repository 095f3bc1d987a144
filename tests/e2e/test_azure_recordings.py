"""A recording stored in Azure Blob (Azurite here) is analysed end to end: the gateway
stages it as blocks, the worker reads it back from the container, nothing lands on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dev.service_processes import gateway_process, new_prefix, worker_process
from tests.e2e.conftest import Stack, analyze

pytestmark = [pytest.mark.stack, pytest.mark.slow]


@pytest.fixture(scope="module")
def azure_stack(
    kafka_bootstrap: str,
    database_url: str,
    azurite_connection_string: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    prefix = new_prefix()
    run_dir = tmp_path_factory.mktemp("azure-stack")
    azure = {
        "IB_BLOB_STORE": "azure",
        "IB_AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string,
        "IB_AZURE_BLOB_CONTAINER": f"{prefix}recordings".strip("-").replace("--", "-"),
    }
    worker = worker_process(prefix, run_dir, kafka_bootstrap, database_url)
    gateway = gateway_process(prefix, run_dir, kafka_bootstrap, database_url)
    worker.extra_env.update(azure)
    gateway.extra_env.update(azure)
    worker.start()
    gateway.start()
    yield Stack(worker, gateway)
    gateway.stop()
    worker.stop()


def test_a_recording_in_azure_blob_is_analysed(azure_stack: Stack, recordings: dict[str, Path]) -> None:
    analysis = analyze(azure_stack, recordings["good_mp4_aac"], user="e2e-azure")

    assert analysis.returncode == 0, analysis.stderr
    assert analysis.result["status"] == "COMPLETED"
    assert len(analysis.result["transcript"]["text"].split()) > 20
    with azure_stack.client("e2e-azure") as client:
        interview = client.get(f"/interviews/{analysis.result['interview_id']}").json()
    assert interview["recording"]["size_bytes"] == recordings["good_mp4_aac"].stat().st_size
    assert "devstoreaccount1" in interview["recording"].get("blob_uri", "devstoreaccount1")
    blobs = azure_stack.worker.run_dir / "blobs"
    assert not blobs.exists() or not any(path.is_file() for path in blobs.rglob("*"))
