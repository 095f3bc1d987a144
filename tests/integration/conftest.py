"""Fixtures shared by the integration tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from dev.service_processes import ServiceProcess, new_prefix, worker_process
from sinks.read_model import ReadModel
from tests.integration.gateway_helpers import RunningGateway, gateway_settings, running_gateway
from topics.admin import delete_prefixed_topics


@pytest.fixture
async def read_model(database_url: str) -> AsyncIterator[ReadModel]:
    """The read model on the test database, migrated, for one test."""
    model = ReadModel(database_url)
    await model.open()
    yield model
    await model.close()


@pytest.fixture(scope="module")
def worker(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """The real worker (`python -m streams`) for one test module, on topics of its own."""
    process = worker_process(new_prefix(), tmp_path_factory.mktemp("worker"), kafka_bootstrap, database_url)
    process.start()
    yield process
    process.stop()
    # Its topics and changelogs go with it: a broker that keeps every test's topics slows down.
    asyncio.run(delete_prefixed_topics(kafka_bootstrap, process.topic_prefix))


@pytest.fixture
async def gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> AsyncIterator[RunningGateway]:
    """The gateway app in-process, with its real lifespan, for one test."""
    settings = gateway_settings(tmp_path / "run", kafka_bootstrap, database_url, topic_prefix)
    async with running_gateway(settings) as running:
        yield running


@pytest.fixture
def user() -> str:
    """A user of one's own for each test."""
    return f"user-{uuid.uuid4()}"
