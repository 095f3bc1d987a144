"""Email through SMTP (``aiosmtplib``): the message made of a notification, one attempt at
sending it, and what the attempt's failure means.

A failure that may pass (the server cannot be reached, a timeout, a 4xx answer, our own
credentials refused) is retried with exponential backoff for as long as it takes, so a lost
SMTP server delays mail and never loses it; a permanent refusal of the message or its
recipient (5xx) fails the delivery. The same sender talks to the local aiosmtpd server
(``dev/smtp/run.sh``) and to a production relay: only the ``IB_SMTP_*`` settings differ.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol

import aiosmtplib

from analysis.notifications import email_of
from sinks.notification_deliveries import Outcome
from streams.settings import StreamsSettings

log = logging.getLogger(__name__)

#: The domain of the deterministic Message-ID: a resent notification carries the same one.
MESSAGE_ID_DOMAIN = "notifications.interview-buddy"


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the mail system; raises when it was not accepted."""
        ...


class SmtpSender:
    """Sends through the SMTP server the ``IB_SMTP_*`` settings name."""

    def __init__(self, settings: StreamsSettings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        settings = self._settings
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )


def message_of(notification: dict[str, Any], to: str, sender: str) -> EmailMessage:
    """A multipart/alternative email (plain text, then HTML) of ``notification``."""
    content = email_of(notification)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Message-ID"] = make_msgid(
        idstring=str(notification["notification_id"]), domain=MESSAGE_ID_DOMAIN
    )
    message["X-Interview-Buddy-Notification"] = str(notification["notification_id"])
    message["Date"] = format_datetime(datetime.now(UTC))
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


def retry_delay(attempts_before: int, first_seconds: float, max_seconds: float) -> float:
    """Seconds until the next attempt after the ``attempts_before + 1``-th failed: doubling
    from ``first_seconds``, never more than ``max_seconds``."""
    return float(min(first_seconds * 2 ** min(attempts_before, 30), max_seconds))


def is_permanent(exc: BaseException) -> bool:
    """A 5xx refusal of the message, its sender or its recipient; never our credentials."""
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refused.code < 600 for refused in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 500 <= exc.code < 600
    return False


class EmailDelivery:
    """One attempt at delivering a claimed ``notification_deliveries`` row."""

    def __init__(self, sender: MailSender, settings: StreamsSettings) -> None:
        self._sender = sender
        self._settings = settings

    async def attempt(self, row: dict[str, Any]) -> Outcome:
        notification = row["notification"]
        message = message_of(notification, row["email"], self._settings.smtp_from)
        try:
            await self._sender.send(message)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if is_permanent(exc):
                log.warning("email of notification %s refused for good: %s", row["notification_id"], error)
                return Outcome("failed", error)
            delay = retry_delay(
                row["attempts"], self._settings.email_retry_seconds, self._settings.email_retry_max_seconds
            )
            log.warning(
                "email of notification %s not sent (attempt %d), retrying in %.0fs: %s",
                row["notification_id"],
                row["attempts"] + 1,
                delay,
                error,
            )
            return Outcome("retrying", error, delay)
        log.info("emailed notification %s", row["notification_id"])
        return Outcome("sent")
