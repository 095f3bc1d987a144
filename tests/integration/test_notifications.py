"""Notifications end to end on the real broker, PostgreSQL and an aiosmtpd server: an analysis
completed or failed → ``notify_user`` → ``notifications`` → ``send_email`` → the user's inbox.

The worker runs only those two agents (``IB_AGENTS``) on topics of its own; events of the
pipeline are produced as the rollup and the state agent write them. The user is seen by the
gateway (in-process, on the same topics) first, which records their dev address.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from dev.polling import wait_until
from dev.service_processes import ServiceProcess, free_port, new_prefix, worker_process
from dev.topic_records import produce, wait_for_record
from gateway.auth import dev_email
from tests.conftest import SmtpServer, smtp_server_on
from tests.integration.gateway_helpers import (
    RunningGateway,
    analysis_event,
    gateway_settings,
    running_gateway,
    state_event,
)
from topics.admin import delete_prefixed_topics
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_STATE, NOTIFICATIONS

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

WEB_URL = "http://web.test"
#: Said in the (imagined) interview; none of it may reach an email.
TRANSCRIPT_WORDS = ("kubernetes", "zanzibar", "quarterly")


@pytest.fixture(scope="module")
async def prefix(kafka_bootstrap: str) -> AsyncIterator[str]:
    """The module's topics, shared by its worker and its gateway, deleted after them."""
    prefix = new_prefix()
    yield prefix
    await delete_prefixed_topics(kafka_bootstrap, prefix)


@pytest.fixture(scope="module")
def mail() -> Iterator[SmtpServer]:
    """A server of this module's own (its worker is pointed at it), so it can be stopped."""
    server = smtp_server_on(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notifier(
    prefix: str,
    mail: SmtpServer,
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServiceProcess]:
    process = worker_process(prefix, tmp_path_factory.mktemp("notifier"), kafka_bootstrap, database_url)
    process.extra_env.update(
        {
            "IB_AGENTS": "notify_user,send_email",
            "IB_SMTP_PORT": str(mail.port),
            "IB_WEB_URL": WEB_URL,
            "IB_EMAIL_SWEEP_SECONDS": "0.5",
            "IB_EMAIL_RETRY_SECONDS": "0.5",
            "IB_EMAIL_RETRY_MAX_SECONDS": "1",
            # Long enough that a reply slowed by a loaded machine is not taken for a failure
            # (the message would then be sent twice); a stopped server refuses at once anyway.
            "IB_SMTP_TIMEOUT_SECONDS": "15",
        }
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
async def gateway(
    prefix: str,
    notifier: ServiceProcess,
    tmp_path_factory: pytest.TempPathFactory,
    kafka_bootstrap: str,
    database_url: str,
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(tmp_path_factory.mktemp("gateway"), kafka_bootstrap, database_url, prefix)
    async with running_gateway(settings, delete_topics=False) as running:
        yield running


async def seen(gateway: RunningGateway) -> str:
    """A new user who created an interview (the gateway then records their address)."""
    user = f"notified-{uuid.uuid4().hex[:12]}"
    answer = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=gateway.auth(user))
    assert answer.status_code == 201, answer.text
    return user


def completed(interview_id: str, user: str, overall: float, run: int = 0) -> dict[str, Any]:
    event = analysis_event(interview_id, user, overall)
    return {
        **event,
        "run": run,
        "content": json.dumps({"questions": [f"Tell me about {' '.join(TRANSCRIPT_WORDS)}"]}),
        "recommendations": [f"You said {TRANSCRIPT_WORDS[0]} nine times."],
    }


def failed(interview_id: str, user: str, reason: str) -> dict[str, Any]:
    return {**state_event(interview_id, user, "FAILED", 5, 40.0, error_reason=reason), "run": 0}


def delivery(database_url: str, interview_id: str) -> dict[str, Any] | None:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT * FROM notification_deliveries WHERE interview_id = %s ORDER BY created_at",
            (interview_id,),
        ).fetchone()


def deliveries_with(database_url: str, interview_id: str, status: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT * FROM notification_deliveries WHERE interview_id = %s AND status = %s",
            (interview_id, status),
        ).fetchall()


@contextmanager
def delivery_told(database_url: str, interview_id: str) -> Iterator[None]:
    """A failed assertion inside says how the interview's delivery stood when it failed."""
    try:
        yield
    except AssertionError as failure:
        row = delivery(database_url, interview_id)
        fields = ("status", "attempts", "last_error", "next_attempt_at")
        told = "none recorded" if row is None else ", ".join(f"{name}={row[name]!r}" for name in fields)
        raise AssertionError(f"{failure} (the delivery: {told})") from failure


def text_of(message: Any) -> tuple[str, str]:
    """The plain-text and the HTML part of an email."""
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    return parts["text/plain"], parts["text/html"]


async def test_a_completed_analysis_is_emailed_once_with_the_score_and_the_link(
    gateway: RunningGateway, mail: SmtpServer, kafka_bootstrap: str, prefix: str
) -> None:
    user = await seen(gateway)
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    event = completed(interview_id, user, 72.0)
    await produce(kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, event)
    # The same event again (a replay), then the next run's: its email comes after the replay
    # was handled (same key, same partition), so by then a second email would be there.
    await produce(kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, event)
    await produce(
        kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, completed(interview_id, user, 80.0, 1)
    )

    inbox = wait_until(lambda: len(mail.messages_to(dev_email(user))) >= 2, 60, "two emails")

    inbox = mail.messages_to(dev_email(user))
    assert sorted(message["Subject"] for message in inbox) == [
        "Your interview analysis is ready: 72/100",
        "Your interview analysis is ready: 80/100",
    ]
    first = next(message for message in inbox if "72/100" in message["Subject"])
    text, html = text_of(first)
    link = f"{WEB_URL}/review/{interview_id}"
    for part in (text, html):
        assert "72/100" in part and link in part and "words per minute" in part
        assert not any(word in part.lower() for word in TRANSCRIPT_WORDS)
    notes = await wait_for_record(
        kafka_bootstrap, NOTIFICATIONS, prefix, lambda r: r.key == user.encode(), timeout=30
    )
    assert notes.decoded(NOTIFICATIONS)["url"] == link


async def test_a_failure_is_emailed_in_words(
    gateway: RunningGateway, mail: SmtpServer, kafka_bootstrap: str, prefix: str, database_url: str
) -> None:
    user = await seen(gateway)
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    reason = "The recording has no speech we could recognise."
    await produce(kafka_bootstrap, INTERVIEW_STATE, prefix, interview_id, failed(interview_id, user, reason))

    [message] = wait_until(lambda: mail.messages_to(dev_email(user)), 60, "the failure email")

    assert message["Subject"] == "We could not analyse your interview"
    text, html = text_of(message)
    assert reason in text and reason in html
    assert wait_until(lambda: deliveries_with(database_url, interview_id, "sent"), 30, "sent recorded")


async def test_with_email_off_the_notification_is_in_app_only(
    gateway: RunningGateway, mail: SmtpServer, kafka_bootstrap: str, prefix: str, database_url: str
) -> None:
    user = await seen(gateway)
    turned_off = await gateway.client.put(
        "/me/settings", json={"email_notifications": False}, headers=gateway.auth(user)
    )
    assert turned_off.json()["email_notifications"] is False
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    await produce(
        kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, completed(interview_id, user, 64.0)
    )

    note = await wait_for_record(
        kafka_bootstrap, NOTIFICATIONS, prefix, lambda r: r.key == user.encode(), timeout=60
    )
    [skipped] = wait_until(lambda: deliveries_with(database_url, interview_id, "skipped"), 30, "skipped")

    assert note.decoded(NOTIFICATIONS)["interview_id"] == interview_id
    assert skipped["attempts"] == 0 and "off" in skipped["last_error"]
    assert mail.messages_to(dev_email(user)) == []


async def test_a_lost_smtp_server_delays_mail_and_loses_none(
    gateway: RunningGateway, mail: SmtpServer, kafka_bootstrap: str, prefix: str, database_url: str
) -> None:
    user = await seen(gateway)
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    mail.stop()
    try:
        await produce(
            kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, completed(interview_id, user, 55.0)
        )
        with delivery_told(database_url, interview_id):
            retrying = wait_until(
                lambda: [
                    row
                    for row in deliveries_with(database_url, interview_id, "retrying")
                    if row["attempts"] >= 2
                ],
                60,
                "two failed attempts",
            )
        assert retrying[0]["last_error"] and retrying[0]["next_attempt_at"] is not None
    finally:
        mail.start()

    with delivery_told(database_url, interview_id):
        [message] = wait_until(lambda: mail.messages_to(dev_email(user)), 60, "the delayed email")
        assert "55/100" in message["Subject"]
        sent = wait_until(lambda: deliveries_with(database_url, interview_id, "sent"), 30, "sent recorded")
        assert sent[0]["attempts"] >= 3
        assert len(mail.messages_to(dev_email(user))) == 1


async def test_a_deleted_account_takes_its_address_and_deliveries(
    gateway: RunningGateway, mail: SmtpServer, kafka_bootstrap: str, prefix: str, database_url: str
) -> None:
    user = await seen(gateway)
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    await produce(
        kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, completed(interview_id, user, 90.0)
    )
    wait_until(lambda: deliveries_with(database_url, interview_id, "sent"), 60, "sent recorded")

    assert (await gateway.client.delete("/me", headers=gateway.auth(user))).status_code == 204

    assert delivery(database_url, interview_id) is None
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT 1 FROM user_settings WHERE user_id = %s", (user,)).fetchone() is None


async def test_the_notification_is_stamped_with_the_events_time(
    gateway: RunningGateway, kafka_bootstrap: str, prefix: str
) -> None:
    """A replayed event gives the very same notification, time included."""
    user = await seen(gateway)
    interview_id = f"iv-{uuid.uuid4().hex[:10]}"
    event = completed(interview_id, user, 70.0)
    await produce(kafka_bootstrap, ANALYSIS_COMPLETED, prefix, interview_id, event)

    note = await wait_for_record(
        kafka_bootstrap, NOTIFICATIONS, prefix, lambda r: r.key == user.encode(), timeout=60
    )

    decoded = note.decoded(NOTIFICATIONS)
    assert decoded["created_at"] == event["completed_at"]
    assert decoded["created_at"] <= datetime.now(UTC)
