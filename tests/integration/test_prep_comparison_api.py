"""Prep versus actual through the gateway: an interview linked to a prep session, its analysis
stored as the worker stores it, and the comparison read back; or why there is none."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.content.embeddings import shared_embedder
from analysis.prep.comparison import prep_section
from gateway.db.prep_sessions import PrepSessionQueries, session_event
from tests.integration.gateway_helpers import RunningGateway, analysis_event

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

PRACTISED = "I built a scheduling tool for nurses. I talked to the nurses first. I think it went well."
ACTUAL = (
    "I built a scheduling tool for nurses. I shipped it in six weeks. As a result overtime fell by a third."
)


async def _session(gateway: RunningGateway, user: str) -> dict[str, Any]:
    created = await gateway.client.post(
        "/prep-sessions",
        json={"interview_type": "behavioral", "question_count": 3},
        headers=gateway.auth(user),
    )
    assert created.status_code == 201, created.text
    session: dict[str, Any] = created.json()
    return session


async def _interview(gateway: RunningGateway, user: str, prep_session_id: str | None) -> str:
    created = await gateway.client.post(
        "/interviews",
        json={"company": "Acme", "prep_session_id": prep_session_id},
        headers=gateway.auth(user),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["interview_id"])


async def _analysed(gateway: RunningGateway, user: str, interview_id: str, content: dict[str, Any]) -> None:
    event = analysis_event(interview_id, user, 70.0)
    await gateway.read_model.upsert_analysis({**event, "content": json.dumps(content)})


def _turn(index: int, question: str, answer: str, start: float, star: int) -> dict[str, Any]:
    """A turn as the worker's content analysis stores it (every field the API documents)."""
    part = {"present": star > 0, "evidence": []}
    return {
        "turn_index": index,
        "question": question,
        "answer": answer,
        "start": start,
        "end": start + 30.0,
        "star": {"situation": part, "task": part, "action": part, "result": part, "score": star},
        "relevance": 60,
        "confidence": 70,
        "enthusiasm": 50,
        "analyzer": "offline",
    }


async def _refusal(gateway: RunningGateway, user: str, interview_id: str) -> tuple[int, str, str]:
    answer = await gateway.client.get(
        f"/interviews/{interview_id}/prep-comparison", headers=gateway.auth(user)
    )
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["message"]


async def test_the_comparison_of_a_linked_interview_is_its_analysis_against_the_practice(
    gateway: RunningGateway, user: str
) -> None:
    session = await _session(gateway, user)
    practised = session["questions"][0]
    answered = await gateway.client.post(
        f"/prep-sessions/{session['prep_session_id']}/questions/{practised['question_id']}/answers",
        json={"answer": PRACTISED},
        headers=gateway.auth(user),
    )
    assert answered.status_code == 201, answered.text
    interview_id = await _interview(gateway, user, session["prep_session_id"])
    # The session as the worker's global table holds it, compared by the same pure function.
    row = await PrepSessionQueries(gateway.read_model).get_session(session["prep_session_id"], user)
    turns = [
        _turn(0, practised["text"], ACTUAL, 12.0, 100),
        _turn(1, "What is your favourite colour of bicycle?", "Blue.", 80.0, 0),
    ]
    section = prep_section(shared_embedder(), session_event(row or {}), turns)
    await _analysed(
        gateway, user, interview_id, {"status": "analysed", "turns": turns, "prep_comparison": section}
    )

    answer = await gateway.client.get(
        f"/interviews/{interview_id}/prep-comparison", headers=gateway.auth(user)
    )

    assert answer.status_code == 200, answer.text
    comparison = answer.json()
    assert comparison["interview_id"] == interview_id
    assert comparison["prep_session_id"] == session["prep_session_id"]
    [match] = comparison["matches"]
    assert (match["practised_question"], match["practised_answer"]) == (practised["text"], PRACTISED)
    assert match["points"]["kept"] == ["I built a scheduling tool for nurses."]
    assert match["delta"]["star"] > 0
    assert comparison["improvement_score"] == round(match["delta_score"])
    assert comparison["unexpected_questions"] == [{"question": turns[1]["question"], "start": 80.0}]
    assert len(comparison["practised_not_asked"]) == len(session["questions"]) - 1
    stored = await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    assert {key: comparison[key] for key in section if key != "status"} == {
        key: value for key, value in stored.json()["content"]["prep_comparison"].items() if key != "status"
    }


async def test_an_interview_not_linked_to_a_prep_session_has_no_comparison_and_says_so(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await _interview(gateway, user, None)
    assert await _refusal(gateway, user, interview_id) == (
        404,
        "no_prep_comparison",
        "This interview is not linked to a prep session, so there is nothing to compare. Choose the "
        "prep session you practised with when you create an interview.",
    )


async def test_a_linked_interview_not_analysed_yet_says_its_status(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await _interview(gateway, user, (await _session(gateway, user))["prep_session_id"])
    status, code, message = await _refusal(gateway, user, interview_id)
    assert (status, code) == (404, "analysis_not_ready")
    assert "status is CREATED" in message


async def test_an_interview_analysed_before_it_was_linked_asks_for_another_analysis(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = await _interview(gateway, user, (await _session(gateway, user))["prep_session_id"])
    await _analysed(gateway, user, interview_id, {"status": "analysed", "turns": []})
    status, code, message = await _refusal(gateway, user, interview_id)
    assert (status, code) == (404, "no_prep_comparison")
    assert "analyse it again" in message


async def test_a_prep_session_deleted_before_the_analysis_is_said(gateway: RunningGateway, user: str) -> None:
    interview_id = await _interview(gateway, user, (await _session(gateway, user))["prep_session_id"])
    section = prep_section(shared_embedder(), None, [])
    await _analysed(
        gateway, user, interview_id, {"status": "analysed", "turns": [], "prep_comparison": section}
    )
    status, code, message = await _refusal(gateway, user, interview_id)
    assert (status, code) == (404, "no_prep_comparison")
    assert "was deleted" in message


async def test_another_users_interview_has_no_comparison_for_me(gateway: RunningGateway, user: str) -> None:
    interview_id = await _interview(gateway, user, None)
    status, code, _ = await _refusal(gateway, f"stranger-{user}", interview_id)
    assert (status, code) == (404, "interview_not_found")
