"""The gateway's routes against the real PostgreSQL and Kafka: auth, interviews, results, isolation."""

from __future__ import annotations

import uuid

import pytest

from dev.synthesize import wav_bytes
from dev.topic_records import collect_until
from tests.integration.gateway_helpers import (
    NO_QUESTIONS_CONTENT,
    RunningGateway,
    analysis_event,
    metrics_event,
    segment_event,
    state_event,
)
from topics.catalog import INTERVIEW_METADATA

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


async def create(gateway: RunningGateway, user: str, **fields: object) -> dict[str, object]:
    response = await gateway.client.post("/interviews", json=fields, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_health_needs_kafka_and_postgres(gateway: RunningGateway) -> None:
    response = await gateway.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "kafka": "ok", "postgres": "ok"}


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Missing bearer token"),
        ("Basic dXNlcjpwYXNz", "Missing bearer token"),
        ("Bearer not-a-token", "not valid"),
    ],
)
async def test_requests_without_a_valid_token_get_401(
    gateway: RunningGateway, authorization: str | None, message: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await gateway.client.get("/interviews", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"
    assert message in response.json()["error"]["message"]


async def test_an_expired_token_gets_401(gateway: RunningGateway, user: str) -> None:
    token = gateway.issuer.issue(user, lifetime_seconds=-5)
    response = await gateway.client.get("/interviews", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


async def test_create_and_edit_publish_the_metadata(gateway: RunningGateway, user: str) -> None:
    created = await create(
        gateway,
        user,
        company="Acme",
        job_title="Backend engineer",
        interview_type="technical",
        job_description="Python, Kafka",
    )
    interview_id = str(created["interview_id"])
    assert (created["status"], created["percent"], created["recording"]) == ("CREATED", 0, None)
    assert created["company"] == "Acme"

    response = await gateway.client.patch(
        f"/interviews/{interview_id}",
        json={"notes": "went well", "company": None},
        headers={**gateway.auth(user), "If-Match": '"0"'},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["notes"], response.json()["company"]) == ("went well", None)
    assert response.json()["job_title"] == "Backend engineer"  # fields not sent are kept

    records = await collect_until(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_METADATA,
        gateway.settings.topic_prefix,
        lambda seen: len(seen) >= 2,
        timeout=30,
    )
    events = [record.decoded(INTERVIEW_METADATA) for record in records]
    assert all(record.key == interview_id.encode() for record in records)
    assert [(e["user_id"], e["company"], e["notes"]) for e in events] == [
        (user, "Acme", None),
        (user, None, "went well"),
    ]
    assert events[1]["updated_at"] >= events[0]["updated_at"] == events[0]["created_at"]
    assert [event["version"] for event in events] == [0, 1]


async def test_invalid_metadata_is_refused(gateway: RunningGateway, user: str) -> None:
    response = await gateway.client.post(
        "/interviews", json={"interview_type": "chat"}, headers=gateway.auth(user)
    )
    assert response.status_code == 422


async def test_list_is_newest_first_and_paged(gateway: RunningGateway, user: str) -> None:
    ids = [(await create(gateway, user, company=f"Company {n}"))["interview_id"] for n in range(3)]
    page = (await gateway.client.get("/interviews?limit=2", headers=gateway.auth(user))).json()
    assert page["count"] == 3
    assert [item["interview_id"] for item in page["data"]] == [ids[2], ids[1]]
    assert {item["status"] for item in page["data"]} == {"CREATED"}
    rest = (await gateway.client.get("/interviews?limit=2&offset=2", headers=gateway.auth(user))).json()
    assert [item["interview_id"] for item in rest["data"]] == [ids[0]]


async def test_status_transcript_metrics_and_analysis_follow_the_pipeline(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = str((await create(gateway, user))["interview_id"])
    auth = gateway.auth(user)
    read_model = gateway.read_model
    # What the worker's sink would write as the pipeline advances.
    await read_model.upsert_state(state_event(interview_id, user, "TRANSCRIBING", 3, 34.0))
    await read_model.upsert_segments(
        [
            segment_event(interview_id, user, 0, "Tell me about a project you led"),
            segment_event(interview_id, user, 1, "um I led the migration project", final=True),
        ]
    )
    await read_model.upsert_metrics(
        [metrics_event(interview_id, user, 0, 0), metrics_event(interview_id, user, 1, 1)]
    )

    status = (await gateway.client.get(f"/interviews/{interview_id}/status", headers=auth)).json()
    assert (status["status"], status["percent"], status["eta_seconds"]) == ("TRANSCRIBING", 34.0, 12.0)

    response = await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "analysis_not_ready",
        "message": "The analysis is not ready yet, status is TRANSCRIBING (34%).",
    }

    transcript = (await gateway.client.get(f"/interviews/{interview_id}/transcript", headers=auth)).json()
    assert transcript["text"] == "Tell me about a project you led um I led the migration project"
    assert [s["seq"] for s in transcript["segments"]] == [0, 1]
    assert transcript["segments"][1]["words"][0] == {
        "word": "um",
        "start": 2.0,
        "end": 2.25,
        "confidence": 0.9,
    }

    found = (
        await gateway.client.get(f"/interviews/{interview_id}/transcript?q=migration", headers=auth)
    ).json()
    assert [s["seq"] for s in found["segments"]] == [1]

    srt = await gateway.client.get(f"/interviews/{interview_id}/transcript?format=srt", headers=auth)
    assert srt.headers["content-disposition"] == f'attachment; filename="interview-{interview_id}.srt"'
    assert srt.text.startswith("1\n00:00:00,000 --> 00:00:01,800\nTell me about a project you led\n")
    vtt = await gateway.client.get(f"/interviews/{interview_id}/transcript.vtt", headers=auth)
    assert vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.800\n")
    txt = await gateway.client.get(f"/interviews/{interview_id}/transcript.txt?q=um", headers=auth)
    assert txt.text == "[0:02] um I led the migration project\n"

    metrics = (await gateway.client.get(f"/interviews/{interview_id}/metrics", headers=auth)).json()
    assert metrics["count"] == 2
    assert metrics["data"][1]["filler_words"] == {"um": 1}
    assert metrics["data"][1]["filler_events"] == [{"kind": "um", "start": 2.0, "end": 2.2}]

    await read_model.upsert_analysis(analysis_event(interview_id, user, 77.0))
    await read_model.upsert_state(state_event(interview_id, user, "COMPLETED", 9, 100.0))
    analysis = (await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=auth)).json()
    assert analysis["overall_score"] == 77.0
    assert analysis["speech"]["clarity_score"] == 90.0
    assert {key: analysis["content"][key] for key in NO_QUESTIONS_CONTENT} == NO_QUESTIONS_CONTENT
    assert analysis["recommendations"] == ["Say um less."]


async def test_a_failed_interview_says_why(gateway: RunningGateway, user: str) -> None:
    interview_id = str((await create(gateway, user))["interview_id"])
    reason = "The recording has no audio track. Export it again with sound."
    await gateway.read_model.upsert_state(
        state_event(interview_id, user, "FAILED", 2, 10.0, error_reason=reason)
    )
    interview = (await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))).json()
    assert (interview["status"], interview["error_reason"]) == ("FAILED", reason)
    response = await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    assert (
        response.json()["error"]["message"] == f"The analysis is not ready yet, status is FAILED: {reason}."
    )


async def test_another_users_interview_looks_missing_on_every_route(
    gateway: RunningGateway, user: str
) -> None:
    interview_id = str((await create(gateway, user, company="Secret Corp"))["interview_id"])
    upload = await gateway.client.put(
        f"/interviews/{interview_id}/recording", content=wav_bytes(), headers=gateway.auth(user)
    )
    assert upload.status_code == 202
    await gateway.read_model.upsert_segments([segment_event(interview_id, user, 0, "private words")])
    await gateway.read_model.upsert_analysis(analysis_event(interview_id, user, 60.0))

    stranger = gateway.auth(f"user-{uuid.uuid4()}")
    missing_id = str(uuid.uuid4())
    calls = [
        ("GET", "/interviews/{id}", None),
        ("PATCH", "/interviews/{id}", {"notes": "mine now"}),
        ("GET", "/interviews/{id}/status", None),
        ("PUT", "/interviews/{id}/recording", None),
        ("GET", "/interviews/{id}/transcript", None),
        ("GET", "/interviews/{id}/transcript?format=srt", None),
        ("GET", "/interviews/{id}/transcript.vtt", None),
        ("GET", "/interviews/{id}/metrics", None),
        ("GET", "/interviews/{id}/analysis", None),
    ]
    for method, path, json in calls:
        answers = []
        for target in (interview_id, missing_id):
            kwargs = {"json": json} if json else {"content": wav_bytes()} if method == "PUT" else {}
            # An edit says which version it read; the owner's version 0 is a real one.
            headers = {**stranger, "If-Match": '"0"'} if method == "PATCH" else stranger
            response = await gateway.client.request(method, path.format(id=target), headers=headers, **kwargs)
            answers.append((response.status_code, response.json()))
        assert answers[0] == answers[1], f"{method} {path} tells another user's interview from a missing one"
        assert answers[0][0] == 404
    listing = (await gateway.client.get("/interviews", headers=stranger)).json()
    assert listing == {"data": [], "count": 0}
    # And the owner's interview is untouched.
    own = (await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))).json()
    assert (own["company"], own["notes"], own["status"]) == ("Secret Corp", None, "UPLOADED")
