"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.worker_process import ServiceProcess, new_prefix, worker_process


@pytest.fixture(scope="module")
def worker(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """The real worker (`python -m streams`) for one test module, on topics of its own."""
    process = worker_process(new_prefix(), tmp_path_factory.mktemp("worker"), kafka_bootstrap, database_url)
    process.start()
    yield process
    process.stop()
