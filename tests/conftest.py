"""Fixtures that reach the local stack's services, shared by the integration and e2e tests.

They read the same ``IB_*`` variables as the applications but not the applications' Settings, so
the tests of any package can use them. A service that does not answer fails the test that asked
for it (never a skip); unit tests ask for none of these and run without services.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import psycopg
import pytest

from dev.service_processes import PREFIXES_GIVEN, new_prefix
from dev.smtp.maildir import received
from dev.stack.config import StackConfig
from dev.stack.kafka_probe import fetch_metadata
from topics.admin import delete_prefixed_topics

HOW_TO_START = "start them with `ib stack up --services-only` (or run `make test`, which does)"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """``host:port`` of a Kafka broker that answers; fails the test when none does. At the
    session's end the topics of every prefix :func:`new_prefix` gave go, those of a test that did
    not delete its own included: a broker kept between runs would otherwise run out of files."""
    bootstrap = os.environ.get("IB_KAFKA_BOOTSTRAP") or StackConfig.from_env().kafka_bootstrap
    host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
    try:
        metadata = fetch_metadata(host, int(port), timeout_s=5)
    except (OSError, ValueError) as exc:
        pytest.fail(f"Kafka does not answer on {bootstrap} ({exc}): {HOW_TO_START}", pytrace=False)
    if not metadata.brokers:
        pytest.fail(f"Kafka on {bootstrap} lists no live broker yet: {HOW_TO_START}", pytrace=False)
    yield bootstrap
    if PREFIXES_GIVEN:
        asyncio.run(delete_prefixed_topics(bootstrap, *sorted(PREFIXES_GIVEN)))


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
    return new_prefix()


REPO_DIR = Path(__file__).resolve().parents[1]
AZURITE = REPO_DIR / "dev" / "azurite" / "run.sh"
FIREBASE = REPO_DIR / "dev" / "firebase" / "run.sh"
AZURITE_CONSTANTS = REPO_DIR / "dev/azurite/node_modules/azurite/dist/src/blob/utils/constants.js"


@pytest.fixture(scope="session")
def azurite_connection_string() -> str:
    """Azurite's Blob service on 127.0.0.1, started when nothing answers yet; fails when it cannot be."""
    port = os.environ.get("IB_AZURITE_BLOB_PORT", "10000")
    started = subprocess.run([AZURITE, "start"], capture_output=True, text=True, timeout=300, check=False)
    if started.returncode != 0:
        pytest.fail(f"Azurite could not be started: {started.stderr.strip()}", pytrace=False)
    # The development account's key, from the emulator itself rather than copied into this file.
    match = re.search(r'EMULATOR_ACCOUNT_KEY_STR = "([^"]+)"', AZURITE_CONSTANTS.read_text())
    assert match, f"no account key in {AZURITE_CONSTANTS}"
    return (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={match.group(1)};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
    )


@pytest.fixture(scope="session")
def firebase_auth_emulator() -> str:
    """``host:port`` of the Firebase Auth emulator, started when nothing answers yet; fails when
    it cannot be."""
    port = os.environ.get("IB_FIREBASE_AUTH_EMULATOR_PORT", "9099")
    started = subprocess.run([FIREBASE, "start"], capture_output=True, text=True, timeout=600, check=False)
    if started.returncode != 0:
        pytest.fail(
            f"the Firebase Auth emulator could not be started: {started.stderr.strip()}", pytrace=False
        )
    return f"127.0.0.1:{port}"


SMTP = REPO_DIR / "dev" / "smtp" / "run.sh"


@dataclass(frozen=True)
class SmtpServer:
    """The loopback SMTP server of dev/smtp/run.sh, and the Maildir where it keeps what it got."""

    port: int
    maildir: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "IB_SMTP_PORT": str(self.port), "IB_PYTHON": sys.executable}

    def start(self) -> None:
        started = subprocess.run([SMTP, "start"], env=self.env(), capture_output=True, text=True, timeout=60)
        if started.returncode != 0:
            pytest.fail(f"the SMTP server could not be started: {started.stderr.strip()}", pytrace=False)

    def stop(self) -> None:
        subprocess.run([SMTP, "stop"], env=self.env(), capture_output=True, text=True, timeout=60, check=True)

    def messages_to(self, address: str) -> list[Message]:
        return [message for message in received(self.maildir) if message["To"] == address]


def smtp_server_on(port: int) -> SmtpServer:
    return SmtpServer(port, REPO_DIR / ".run" / "smtp" / f"maildir-{port}")


@pytest.fixture(scope="session")
def smtp_server() -> SmtpServer:
    """aiosmtpd on 127.0.0.1 (``IB_SMTP_PORT``, default 8025), started when nothing answers yet;
    fails the test when it cannot be."""
    server = smtp_server_on(int(os.environ.get("IB_SMTP_PORT", "8025")))
    server.start()
    return server
