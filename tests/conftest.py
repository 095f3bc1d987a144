"""Fixtures that reach the local stack's services, shared by the integration and e2e tests.

They read the same ``IB_*`` variables as the applications but not the applications' Settings, so
the tests of any package can use them. A service that does not answer fails the test that asked
for it (never a skip); unit tests ask for none of these and run without services.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from dev.stack.config import StackConfig
from dev.stack.kafka_probe import fetch_metadata

HOW_TO_START = "start them with `ib stack up --services-only` (or run `make test`, which does)"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """``host:port`` of a Kafka broker that answers; fails the test when none does."""
    bootstrap = os.environ.get("IB_KAFKA_BOOTSTRAP") or StackConfig.from_env().kafka_bootstrap
    host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
    try:
        metadata = fetch_metadata(host, int(port), timeout_s=5)
    except (OSError, ValueError) as exc:
        pytest.fail(f"Kafka does not answer on {bootstrap} ({exc}): {HOW_TO_START}", pytrace=False)
    if not metadata.brokers:
        pytest.fail(f"Kafka on {bootstrap} lists no live broker yet: {HOW_TO_START}", pytrace=False)
    return bootstrap


@pytest.fixture(scope="session")
def database_url() -> str:
    """A PostgreSQL URL that accepts a login; fails the test when it does not."""
    url = os.environ.get("IB_DATABASE_URL") or StackConfig.from_env().database_url
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL does not accept a login at {url} ({exc}): {HOW_TO_START}", pytrace=False)
    return url


@pytest.fixture
def topic_prefix() -> str:
    """A prefix unique to this test (``t-1a2b3c4d-``), for its topic names and consumer groups."""
    return f"t-{uuid.uuid4().hex[:8]}-"
