"""What a finished analysis tells its user: a notification, and the email made of it.

Pure functions, no Kafka, no SMTP. A notification is made of figures the analysis computed
(the overall score, the pace, the filler words) and of the reasons the pipeline writes for a
user; never of words of the transcript, so an email never carries what was said in the
interview. Its id is a function of the interview, the analysis run and the kind, so a replayed
or reprocessed event gives the same notification, which every reader recognises as one.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from analysis.runs import run_of

Notification = dict[str, Any]

ANALYSIS_COMPLETED = "analysis_completed"
ANALYSIS_FAILED = "analysis_failed"
KINDS = (ANALYSIS_COMPLETED, ANALYSIS_FAILED)
#: The interview status that makes a failure notification (as ``InterviewState`` spells it).
FAILED_STATUS = "FAILED"

#: uuid5 namespace of notification ids; any constant will do, it only must never change.
_ID_NAMESPACE = uuid.UUID("6f1d3c2e-0b7a-5c1e-9a4d-1b5e0c8f7a21")

FAILED_FALLBACK_REASON = "Something went wrong while we analysed your recording."


def notification_id(interview_id: str, run: int, kind: str) -> str:
    """The same id for the same interview, run and kind, however often it is computed."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{interview_id}/{run}/{kind}"))


def interview_url(web_url: str, interview_id: str) -> str:
    """The interview's page in the web app (``/review/<id>``; ``/interviews/<id>`` is the API's
    JSON, which a browser following the link could not read)."""
    return f"{web_url.rstrip('/')}/review/{quote(interview_id, safe='')}"


def _score(value: float) -> str:
    return f"{round(value):d}/100"


def headline_figures(analysis: dict[str, Any]) -> list[str]:
    """One or two figures worth reading first: the pace and the filler words."""
    speech = analysis.get("speech") or {}
    figures = []
    if speech.get("word_count"):
        figures.append(f"You spoke at {round(float(speech['wpm'])):d} words per minute.")
        fillers = int(speech.get("filler_total") or 0)
        if fillers == 0:
            figures.append("You used no filler words.")
        else:
            per_minute = float(speech.get("fillers_per_minute") or 0.0)
            noun = "filler word" if fillers == 1 else "filler words"
            figures.append(f"You used {fillers} {noun} ({per_minute:.1f} per minute).")
    return figures


def for_completed_analysis(analysis: dict[str, Any], web_url: str) -> Notification:
    """The notification of an ``analysis.completed`` event."""
    interview_id = str(analysis["interview_id"])
    run = run_of(analysis)
    overall = float(analysis["overall_score"])
    lines = [
        f"Your interview analysis is ready. Overall score: {_score(overall)}.",
        *headline_figures(analysis),
    ]
    if analysis.get("preliminary"):
        lines.append("The recording was hard to understand in places, so these results are preliminary.")
    lines.append("Open the analysis for the breakdown, the transcript and recommendations.")
    return {
        "notification_id": notification_id(interview_id, run, ANALYSIS_COMPLETED),
        "interview_id": interview_id,
        "user_id": str(analysis["user_id"]),
        "kind": ANALYSIS_COMPLETED,
        "title": f"Your interview analysis is ready: {_score(overall)}",
        "body": "\n".join(lines),
        "created_at": analysis["completed_at"],
        "run": run,
        "url": interview_url(web_url, interview_id),
        "overall_score": overall,
    }


def for_failed_state(state: dict[str, Any], web_url: str) -> Notification | None:
    """The notification of an ``interview.state`` that says the analysis failed; None for any
    other state."""
    if state.get("status") != FAILED_STATUS:
        return None
    interview_id = str(state["interview_id"])
    run = run_of(state)
    reason = (state.get("error_reason") or "").strip() or FAILED_FALLBACK_REASON
    return {
        "notification_id": notification_id(interview_id, run, ANALYSIS_FAILED),
        "interview_id": interview_id,
        "user_id": str(state["user_id"]),
        "kind": ANALYSIS_FAILED,
        "title": "We could not analyse your interview",
        "body": f"We could not finish the analysis of your interview recording.\n{reason}",
        "created_at": state["updated_at"],
        "run": run,
        "url": interview_url(web_url, interview_id),
        "overall_score": None,
    }


def is_recent(notification: Notification, now: datetime, max_age_seconds: float) -> bool:
    """Whether ``notification`` is still news: a notifier that reads its topics from their
    start (a new consumer group on a compacted topic) must not tell users of old analyses."""
    created = notification["created_at"]
    return bool((now - created).total_seconds() <= max_age_seconds)


def is_new_run(notified_run: int | None, notification: Notification) -> bool:
    """Whether ``notification`` tells of a run not yet notified: one notification per run,
    whatever its kind (an analysis completes or fails, never both)."""
    return notified_run is None or int(notification["run"]) > notified_run


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def email_of(notification: Notification) -> EmailContent:
    """The email of a notification: its title as the subject, its body and the link to the
    interview, in plain text and in HTML (the same words: nothing more is in one than in the
    other)."""
    url = notification.get("url")
    paragraphs = [line for line in str(notification["body"]).splitlines() if line.strip()]
    text_lines = [*paragraphs]
    if url:
        text_lines += ["", f"Open it: {url}"]
    text_lines += ["", "You get this email because email notifications are on in your settings."]
    html_paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in paragraphs)
    link = f'<p><a href="{html.escape(url, quote=True)}">Open it in Interview Buddy</a></p>' if url else ""
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(str(notification['title']))}</title></head><body>"
        f"<h1>{html.escape(str(notification['title']))}</h1>{html_paragraphs}{link}"
        "<p><small>You get this email because email notifications are on in your settings."
        "</small></p></body></html>"
    )
    return EmailContent(subject=str(notification["title"]), text="\n".join(text_lines) + "\n", html=document)
