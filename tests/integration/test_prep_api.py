"""Interview prep through the gateway: questions for the job, practice with feedback at once,
every attempt kept, sessions published to the compacted prep.sessions topic."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from dev.topic_records import collect_until
from tests.fakes.anthropic_messages import FakeAnthropic, running_fake_anthropic
from tests.integration.gateway_helpers import RunningGateway, analysis_event
from topics.catalog import PREP_SESSIONS

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

JOB = "Data engineer. You will build Kafka streaming pipelines and tune SQL queries in our warehouse."
ANSWER = (
    "At my last job our nightly billing report took three hours. I was responsible for making it "
    "finish before the finance team started. I profiled the query and added two indexes. As a result "
    "it ran in twelve minutes."
)


async def new_session(gateway: RunningGateway, user: str, **fields: object) -> dict[str, object]:
    response = await gateway.client.post("/prep-sessions", json=fields, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_a_session_has_questions_for_the_job_each_marked_ai_generated_or_not(
    gateway: RunningGateway, user: str
) -> None:
    session = await new_session(
        gateway, user, company="Acme", job_title="Data engineer", interview_type="technical",
        job_description=JOB, question_count=5,
    )  # fmt: skip
    questions = session["questions"]
    assert isinstance(questions, list) and len(questions) == 5
    assert questions[0]["question_id"] == "t-streaming"
    assert all(q["kind"] == "technical" and q["ai_generated"] is False for q in questions)

    listed = await gateway.client.get("/prep-sessions", headers=gateway.auth(user))
    assert [item["prep_session_id"] for item in listed.json()["items"]] == [session["prep_session_id"]]


async def test_practice_answers_get_feedback_at_once_and_every_attempt_is_kept(
    gateway: RunningGateway, user: str
) -> None:
    session = await new_session(gateway, user, interview_type="behavioral", question_count=3)
    session_id = session["prep_session_id"]
    question = session["questions"][0]  # type: ignore[index]
    url = f"/prep-sessions/{session_id}/questions/{question['question_id']}/answers"

    first = await gateway.client.post(
        url, json={"answer": "I think we sort of fixed it."}, headers=gateway.auth(user)
    )
    assert first.status_code == 201, first.text
    feedback = first.json()["feedback"]
    assert "result" in feedback["star_missing"] and feedback["hedges"] == ["I think", "sort of"]
    assert any("short" in note for note in feedback["notes"])

    second = await gateway.client.post(url, json={"answer": ANSWER}, headers=gateway.auth(user))
    assert second.json()["attempt"] == 2 and second.json()["feedback"]["star_missing"] == []

    attempts = await gateway.client.get(url, headers=gateway.auth(user))
    assert [a["attempt"] for a in attempts.json()] == [1, 2]
    again = await gateway.client.get(f"/prep-sessions/{session_id}", headers=gateway.auth(user))
    practised = again.json()["questions"][0]
    assert (practised["attempts"], practised["latest_answer"]) == (2, ANSWER)

    records = await collect_until(
        gateway.settings.kafka_bootstrap,
        PREP_SESSIONS,
        gateway.settings.topic_prefix,
        lambda seen: len(seen) >= 3,
        timeout=30,
    )
    latest = records[-1].decoded(PREP_SESSIONS)
    assert records[-1].key == str(session_id).encode()
    assert latest["questions"][0]["attempts"] == 2
    assert latest["questions"][0]["latest_scores"]["star"] == 100


async def test_an_empty_answer_is_refused_and_nothing_is_saved(gateway: RunningGateway, user: str) -> None:
    session = await new_session(gateway, user, question_count=1)
    question_id = session["questions"][0]["question_id"]  # type: ignore[index]
    url = f"/prep-sessions/{session['prep_session_id']}/questions/{question_id}/answers"
    response = await gateway.client.post(url, json={"answer": ""}, headers=gateway.auth(user))
    assert response.status_code == 422
    assert (await gateway.client.get(url, headers=gateway.auth(user))).json() == []


async def test_another_users_session_looks_missing(gateway: RunningGateway, user: str) -> None:
    session = await new_session(gateway, user, question_count=1)
    question_id = session["questions"][0]["question_id"]  # type: ignore[index]
    stranger = gateway.auth(f"stranger-{uuid.uuid4()}")
    base = f"/prep-sessions/{session['prep_session_id']}"
    assert (await gateway.client.get(base, headers=stranger)).status_code == 404
    answers = f"{base}/questions/{question_id}/answers"
    assert (await gateway.client.get(answers, headers=stranger)).status_code == 404
    assert (await gateway.client.post(answers, json={"answer": "mine"}, headers=stranger)).status_code == 404


async def test_targeted_practice_without_analysed_interviews_says_so(
    gateway: RunningGateway, user: str
) -> None:
    targeted = await gateway.client.get("/practice/targeted", headers=gateway.auth(user))
    assert targeted.status_code == 200 and targeted.json()["questions"] == []
    refused = await gateway.client.post("/prep-sessions", json={"targeted": True}, headers=gateway.auth(user))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "nothing_to_target"
    assert "analyse one first" in refused.json()["error"]["message"]


@pytest.fixture
def claude(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """The gateway's Claude settings pointed at a local server that speaks the Messages API."""
    with running_fake_anthropic(FakeAnthropic(api_key="sk-ant-prep-test")) as (fake, base_url):
        monkeypatch.setenv("IB_ANTHROPIC_API_KEY", "sk-ant-prep-test")
        monkeypatch.setenv("IB_ANTHROPIC_BASE_URL", base_url)
        monkeypatch.setenv("IB_ANTHROPIC_MAX_ATTEMPTS", "2")
        monkeypatch.setenv("IB_ANTHROPIC_BACKOFF_SECONDS", "0.05")
        yield fake


async def test_with_a_key_claude_writes_the_questions_and_they_are_marked_ai_generated(
    gateway: RunningGateway, user: str, claude: FakeAnthropic
) -> None:
    written = [
        {"text": "How would you make a Kafka consumer survive a broker restart?", "kind": "technical",
         "skills": ["kafka", "resilience"]},
        {"text": "Tell me about a SQL query you made much faster.", "kind": "technical", "skills": ["sql"]},
    ]  # fmt: skip
    claude.plan_tool_use({"questions": written})
    session = await new_session(
        gateway,
        user,
        job_title="Data engineer",
        interview_type="technical",
        job_description=JOB,
        question_count=2,
    )
    assert [q["text"] for q in session["questions"]] == [item["text"] for item in written]  # type: ignore[union-attr]
    assert all(q["ai_generated"] for q in session["questions"])  # type: ignore[union-attr]
    assert session["notice"] is None
    [request] = claude.requests
    assert request.body["tool_choice"] == {"type": "tool", "name": "record_interview_questions"}
    assert JOB in request.body["messages"][0]["content"]


async def test_when_claude_is_overloaded_the_bank_stands_in_and_says_so(
    gateway: RunningGateway, user: str, claude: FakeAnthropic
) -> None:
    claude.plan_overloaded(times=2)
    session = await new_session(gateway, user, interview_type="behavioral", question_count=3)
    assert len(session["questions"]) == 3  # type: ignore[arg-type]
    assert not any(q["ai_generated"] for q in session["questions"])  # type: ignore[union-attr]
    assert "curated bank" in str(session["notice"])
    assert len(claude.requests) == 2


async def test_targeted_practice_names_my_weakest_skills_with_questions_for_them(
    gateway: RunningGateway, user: str
) -> None:
    interview = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=gateway.auth(user))
    interview_id = interview.json()["interview_id"]
    no_result = {"present": False}
    turn = {
        "question": "Tell me about a project.",
        "star": {"situation": {"present": True}, "task": {"present": True}, "action": {"present": True},
                 "result": no_result},
        "relevance": 70,
        "confidence": 80,
    }  # fmt: skip
    event = analysis_event(interview_id, user, 60.0)
    await gateway.read_model.upsert_analysis({**event, "content": json.dumps({"turns": [turn, turn]})})

    targeted = (await gateway.client.get("/practice/targeted", headers=gateway.auth(user))).json()

    assert targeted["answers_seen"] == 2
    assert targeted["levels"] == {
        "results": 0,
        "actions": 100,
        "context": 100,
        "relevance": 100,
        "confidence": 100,
    }
    assert targeted["weakest"] == ["results"]
    assert {question["skill"] for question in targeted["questions"]} == {"results"}
    assert all("0% of your 2 answers" in question["why"] for question in targeted["questions"])
    [point] = targeted["progress"]
    assert (point["interview_id"], point["levels"]) == (interview_id, targeted["levels"])
