"""A user is told when an analysis is ready or failed, on the whole stack: `ib analyze` → the
pipeline → notify_user → send_email → the SMTP server started by `make test` (dev/smtp/run.sh)."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

import pytest

from analysis.notifications import email_of, for_completed_analysis, for_failed_state
from dev.polling import wait_until
from gateway.auth import dev_email
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, account, analyze

pytestmark = [pytest.mark.stack, pytest.mark.slow]


def parts_of(message: Message) -> str:
    return "\n".join(
        part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()
    )


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z']{4,}", text)}


def own_words() -> set[str]:
    """The words every notification email says, whatever was said in the interview."""
    analysis = {
        "interview_id": "x",
        "user_id": "x",
        "speech": {"word_count": 2, "wpm": 1.0, "filler_total": 2, "fillers_per_minute": 1.0},
        "overall_score": 1.0,
        "preliminary": True,
        "completed_at": 0,
    }
    state = {"interview_id": "x", "user_id": "x", "status": "FAILED", "updated_at": 0}
    emails = [
        email_of(for_completed_analysis(analysis, "http://x")),
        email_of(for_failed_state(state, "http://x")),
    ]  # type: ignore[arg-type]
    return set().union(*(words(email.text + email.html) for email in emails))


def test_a_completed_analysis_is_emailed_with_its_score_and_link_and_no_word_of_the_transcript(
    stack: Stack, recordings: dict[str, Path], smtp_server: SmtpServer
) -> None:
    user = "e2e-notified"
    analysis = analyze(stack, recordings["sample"], user=user)
    assert analysis.returncode == 0, analysis.stderr
    interview_id = analysis.result["interview_id"]
    address = dev_email(account(user))

    [email] = wait_until(lambda: smtp_server.messages_to(address), 60, "the email of the analysis")

    body = parts_of(email)
    score = f"{round(analysis.result['overall_score'])}/100"
    assert score in email["Subject"] and score in body
    assert f"/review/{interview_id}" in body  # the interview's page in the web app
    said = words(analysis.result["transcript"]["text"]) - own_words()
    assert said, "the transcript has words of its own to look for"
    assert words(body) & said == set()


def test_a_failure_is_emailed_with_the_reason(
    stack: Stack, recordings: dict[str, Path], smtp_server: SmtpServer
) -> None:
    user = "e2e-notified-silence"
    analysis = analyze(stack, recordings["silence"], user=user)
    assert analysis.result["status"] == "FAILED"

    [email] = wait_until(lambda: smtp_server.messages_to(dev_email(account(user))), 60, "the failure email")

    assert email["Subject"] == "We could not analyse your interview"
    assert "could not hear anyone speaking" in " ".join(parts_of(email).split())
