"""A user prepares with a prep session, practises one question, then has the interview: the
analysis matches the asked question to the practised one and says what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Stack, analyze

pytestmark = [pytest.mark.stack, pytest.mark.slow]

PRACTISED = (
    "The project I am most proud of is a scheduling tool for nurses. I talked to the nurses first "
    "and then I built a small web app. I think it went well."
)


def test_the_analysis_compares_the_interview_with_the_practice(
    stack: Stack, recordings: dict[str, Path]
) -> None:
    with stack.client("prep-user") as client:
        created = client.post(
            "/prep-sessions",
            json={"job_title": "Software engineer", "interview_type": "behavioral", "question_count": 15},
        )
        assert created.status_code == 201, created.text
        session = created.json()
        [proud] = [q for q in session["questions"] if "proud of" in q["text"]]
        answered = client.post(
            f"/prep-sessions/{session['prep_session_id']}/questions/{proud['question_id']}/answers",
            json={"answer": PRACTISED},
        )
        assert answered.status_code == 201, answered.text
        assert "result" in answered.json()["feedback"]["star_missing"]

    analysis = analyze(
        stack, recordings["sample"], "--prep-session", session["prep_session_id"], user="prep-user"
    )

    assert analysis.returncode == 0, analysis.stderr
    comparison = analysis.result["content"]["prep_comparison"]
    assert comparison["status"] == "compared"
    [match] = comparison["matches"]
    assert match["practised_question"] == proud["text"]
    assert "proud of" in match["actual_question"]
    assert match["practised_answer"] == PRACTISED
    # The interview's answer ended with its result; the practised one did not.
    assert match["delta"]["star"] > 0
    assert match["points"]["added"]
    assert comparison["improvement_score"] == round(match["delta_score"])
    assert comparison["unexpected_questions"] == []
    assert len(comparison["practised_not_asked"]) == len(session["questions"]) - 1


def test_linking_another_users_prep_session_is_refused(stack: Stack) -> None:
    with stack.client("prep-owner") as owner:
        session = owner.post("/prep-sessions", json={"question_count": 1}).json()
    with stack.client("prep-stranger") as stranger:
        refused = stranger.post("/interviews", json={"prep_session_id": session["prep_session_id"]})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "prep_session_not_found"
