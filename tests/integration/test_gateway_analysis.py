"""An interview's analysis as the gateway serves it, against the real PostgreSQL: its sections
typed in the OpenAPI document, and each recommendation with the moments it cites and the
transcript segment that holds each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateway_helpers import RunningGateway, analysis_event, segment_event, state_event

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


def _part(present: bool, text: str = "", start: float = 0.0) -> dict[str, Any]:
    evidence = [{"text": text, "start": start, "end": start + 1.5}] if present else []
    return {"present": present, "evidence": evidence}


ANSWERED: dict[str, Any] = {
    "status": "analysed",
    "message": None,
    "analyzer": ["offline"],
    "speakers_known": False,
    "questions": ["Tell me about a project you led?"],
    "turns": [
        {
            "turn_index": 0,
            "question": "Tell me about a project you led?",
            "answer": "um I led the migration project and it shipped",
            "start": 0.0,
            "end": 5.8,
            "answer_start": 2.0,
            "asker": None,
            "answerer": None,
            "star": {
                "situation": _part(False),
                "task": _part(False),
                "action": _part(True, "I led the migration project", 2.0),
                "result": _part(True, "it shipped", 4.0),
                "score": 50,
            },
            "relevance": 80,
            "relevance_detail": {
                "score": 80,
                "to_question": 80,
                "to_job_description": None,
                "shared_terms": [],
            },
            "confidence": 70,
            "hedges": [],
            "enthusiasm": 40,
            "feedback": ["Your answer at 0:02 starts without context: open with where and when."],
            "analyzer": "offline",
        }
    ],
    "sentiment_timeline": [
        {"start": 2.0, "end": 3.8, "sentiment": 0.2},
        {"start": 4.0, "end": 5.8, "sentiment": 0.6},
    ],
    "confidence_score": 70.0,
    "enthusiasm_score": 40.0,
}


async def test_the_analysis_is_typed_and_its_recommendations_land_on_their_segments(
    gateway: RunningGateway, user: str
) -> None:
    created = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=gateway.auth(user))
    interview_id = str(created.json()["interview_id"])
    await gateway.read_model.upsert_segments(
        [
            segment_event(interview_id, user, 0, "Tell me about a project you led?"),
            segment_event(interview_id, user, 1, "um I led the migration project"),
            segment_event(interview_id, user, 2, "and it shipped", final=True),
        ]
    )  # segments at 0.0-1.8, 2.0-3.8 and 4.0-5.8
    recommendations = [
        "Your answer at 0:02 starts without context: open with where and when.",
        "Your pace was 200 words per minute: slow down.",
        "The densest stretch was 0:01\u20130:04, with 3 fillers.",
    ]
    await gateway.read_model.upsert_analysis(
        analysis_event(interview_id, user, 66.0, content=ANSWERED, recommendations=recommendations)
    )
    await gateway.read_model.upsert_state(state_event(interview_id, user, "COMPLETED", 9, 100.0))

    analysis = (
        await gateway.client.get(f"/interviews/{interview_id}/analysis", headers=gateway.auth(user))
    ).json()

    turn = analysis["content"]["turns"][0]
    assert turn["star"]["result"] == {
        "present": True,
        "evidence": [{"text": "it shipped", "start": 4.0, "end": 5.5}],
    }
    assert (turn["relevance"], turn["confidence"]) == (80, 70)
    assert analysis["content"]["sentiment_timeline"][1] == {"start": 4.0, "end": 5.8, "sentiment": 0.6}
    assert (analysis["preliminary"], analysis["warnings"]) == (False, [])
    assert analysis["recommendations"] == recommendations
    assert analysis["recommendation_moments"] == [
        {"text": recommendations[0], "moments": [{"label": "0:02", "second": 2, "seq": 1}]},
        {"text": recommendations[1], "moments": []},
        {
            "text": recommendations[2],
            # 0:01 is inside segment 0 (0.0-1.8); 0:04 starts segment 2.
            "moments": [{"label": "0:01", "second": 1, "seq": 0}, {"label": "0:04", "second": 4, "seq": 2}],
        },
    ]


async def test_the_openapi_document_types_every_section_of_the_analysis(gateway: RunningGateway) -> None:
    schemas = (await gateway.client.get("/openapi.json")).json()["components"]["schemas"]
    analysis = schemas["AnalysisPublic"]["properties"]
    assert analysis["speech"] == {"$ref": "#/components/schemas/SpeechSectionPublic"}
    assert {"$ref": "#/components/schemas/ContentPublic"} in analysis["content"]["anyOf"]
    assert analysis["recommendation_moments"]["items"] == {
        "$ref": "#/components/schemas/RecommendationMomentsPublic"
    }
    assert set(schemas["TurnPublic"]["required"]) >= {"question", "star", "relevance", "confidence"}
    assert schemas["ContentPublic"]["properties"]["status"]["enum"] == [
        "analysed",
        "no_questions",
        "not_an_interview",
    ]
