"""A user's progress across interviews, as JSON and as PDFs, against the real PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.integration.gateway_helpers import RunningGateway, analysis_event, state_event

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


async def _analysed(gateway: RunningGateway, user: str, overall: float, **metadata: Any) -> str:
    created = await gateway.client.post("/interviews", json=metadata, headers=gateway.auth(user))
    assert created.status_code == 201, created.text
    interview_id = str(created.json()["interview_id"])
    await gateway.read_model.upsert_analysis(analysis_event(interview_id, user, overall))
    await gateway.read_model.upsert_state(state_event(interview_id, user, "COMPLETED", 9, 100.0))
    return interview_id


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_progress_lists_my_analysed_interviews_oldest_first_with_filters(
    gateway: RunningGateway, user: str
) -> None:
    first = await _analysed(gateway, user, 60.0, company="Acme", interview_type="technical")
    second = await _analysed(gateway, user, 75.0, company="Globex", interview_type="behavioral")
    await gateway.client.post(
        "/interviews", json={"company": "Initech"}, headers=gateway.auth(user)
    )  # no analysis
    await _analysed(gateway, "someone-else", 99.0, company="Acme")

    progress = (await gateway.client.get("/me/progress", headers=gateway.auth(user))).json()
    assert [point["interview_id"] for point in progress["points"]] == [first, second]
    assert progress["points"][0]["wpm"] == 150.0
    overall = next(change for change in progress["changes"] if change["measure"] == "overall_score")
    assert (overall["first"], overall["latest"], overall["change"], overall["improved"]) == (
        60.0,
        75.0,
        15.0,
        True,
    )
    assert progress["companies"] == ["Acme", "Globex"]

    acme = (await gateway.client.get("/me/progress?company=acme", headers=gateway.auth(user))).json()
    assert [point["interview_id"] for point in acme["points"]] == [first]
    behavioral = await gateway.client.get(
        "/me/progress?interview_type=behavioral", headers=gateway.auth(user)
    )
    assert [point["interview_id"] for point in behavioral.json()["points"]] == [second]
    bad_type = await gateway.client.get("/me/progress?interview_type=chat", headers=gateway.auth(user))
    assert bad_type.status_code == 422


async def test_a_deleted_interview_leaves_the_progress(gateway: RunningGateway, user: str) -> None:
    kept = await _analysed(gateway, user, 60.0, company="Acme")
    deleted = await _analysed(gateway, user, 70.0, company="Acme")
    assert (
        await gateway.client.delete(f"/interviews/{deleted}", headers=gateway.auth(user))
    ).status_code == 204
    progress = (await gateway.client.get("/me/progress", headers=gateway.auth(user))).json()
    assert [point["interview_id"] for point in progress["points"]] == [kept]


async def test_an_analysis_exports_as_a_pdf_that_holds_its_score(gateway: RunningGateway, user: str) -> None:
    interview_id = await _analysed(gateway, user, 77.0, company="Acme", job_title="Engineer")
    answer = await gateway.client.get(f"/interviews/{interview_id}/analysis.pdf", headers=gateway.auth(user))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert f'filename="analysis-{interview_id}.pdf"' in answer.headers["content-disposition"]
    text = _pdf_text(answer.content)
    assert "Overall score 77 / 100" in text
    assert "Acme · Engineer" in text
    assert "Say um less." in text


async def test_the_pdf_of_an_analysis_not_ready_or_not_mine_is_refused(
    gateway: RunningGateway, user: str
) -> None:
    created = await gateway.client.post("/interviews", json={}, headers=gateway.auth(user))
    interview_id = created.json()["interview_id"]
    not_ready = await gateway.client.get(
        f"/interviews/{interview_id}/analysis.pdf", headers=gateway.auth(user)
    )
    assert (not_ready.status_code, not_ready.json()["error"]["code"]) == (404, "analysis_not_ready")
    mine = await _analysed(gateway, user, 50.0)
    theirs = await gateway.client.get(
        f"/interviews/{mine}/analysis.pdf", headers=gateway.auth("someone-else")
    )
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "interview_not_found")


async def test_my_history_exports_as_a_pdf(gateway: RunningGateway, user: str) -> None:
    await _analysed(gateway, user, 60.0, company="Acme")
    await _analysed(gateway, user, 80.0, company="Globex")
    answer = await gateway.client.get("/me/progress.pdf", headers=gateway.auth(user))
    assert answer.status_code == 200
    text = _pdf_text(answer.content)
    assert f"{user}: 2 analysed interviews" in text
    assert "+20" in text
    assert "Acme" in text and "Globex" in text
