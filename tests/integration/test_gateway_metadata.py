"""Editing an interview's metadata with optimistic locking: ETag, If-Match, 412 and 428."""

from __future__ import annotations

import uuid

import pytest

from dev.topic_records import collect_until
from tests.integration.gateway_helpers import RunningGateway
from topics.catalog import INTERVIEW_METADATA

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


async def create(gateway: RunningGateway, user: str) -> tuple[str, str]:
    """A new interview's id and the ETag its creation answered with."""
    response = await gateway.client.post(
        "/interviews",
        json={"company": "Acme", "job_title": "Engineer", "interview_type": "technical"},
        headers=gateway.auth(user),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"]), response.headers["ETag"]


async def edit(
    gateway: RunningGateway, user: str, interview_id: str, body: dict[str, object], if_match: str | None
) -> tuple[int, dict[str, object], dict[str, str]]:
    headers = gateway.auth(user) | ({"If-Match": if_match} if if_match is not None else {})
    response = await gateway.client.patch(f"/interviews/{interview_id}", json=body, headers=headers)
    return response.status_code, response.json(), dict(response.headers)


async def read(gateway: RunningGateway, user: str, interview_id: str) -> tuple[dict[str, object], str]:
    response = await gateway.client.get(f"/interviews/{interview_id}", headers=gateway.auth(user))
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


async def test_an_edit_with_the_current_etag_bumps_the_version(gateway: RunningGateway, user: str) -> None:
    interview_id, created_etag = await create(gateway, user)
    body, etag = await read(gateway, user, interview_id)
    assert etag == created_etag == '"0"'
    assert body["version"] == 0

    status, edited, headers = await edit(gateway, user, interview_id, {"notes": "went well"}, etag)

    assert status == 200, edited
    assert (edited["notes"], edited["company"], edited["version"]) == ("went well", "Acme", 1)
    assert headers["etag"] == '"1"'
    assert (await read(gateway, user, interview_id))[1] == '"1"'
    # The next edit goes through with the ETag the last one answered with.
    status, edited, headers = await edit(gateway, user, interview_id, {"company": "Beta"}, headers["etag"])
    assert (status, edited["company"], headers["etag"]) == (200, "Beta", '"2"')


async def test_a_stale_if_match_is_412_and_changes_nothing(gateway: RunningGateway, user: str) -> None:
    interview_id, first_read = await create(gateway, user)
    # Another tab edits first.
    assert (await edit(gateway, user, interview_id, {"notes": "from the phone"}, first_read))[0] == 200

    status, error, headers = await edit(gateway, user, interview_id, {"notes": "from the laptop"}, first_read)

    assert status == 412
    assert error["error"]["code"] == "precondition_failed"  # type: ignore[index]
    assert "changed since you read it" in error["error"]["message"]  # type: ignore[index]
    assert headers["etag"] == '"1"'  # the version to read again
    body, etag = await read(gateway, user, interview_id)
    assert (body["notes"], body["version"], etag) == ("from the phone", 1, '"1"')
    records = await collect_until(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_METADATA,
        gateway.settings.topic_prefix,
        lambda seen: len(seen) >= 2,
        timeout=30,
    )
    events = [record.decoded(INTERVIEW_METADATA) for record in records]
    assert [(event["notes"], event["version"]) for event in events] == [(None, 0), ("from the phone", 1)]


@pytest.mark.parametrize(
    "if_match", ['W/"0"', "0", '"zero"', ""], ids=["weak", "unquoted", "not-ours", "empty"]
)
async def test_an_if_match_that_is_no_strong_etag_of_ours_is_412(
    gateway: RunningGateway, user: str, if_match: str
) -> None:
    interview_id, _ = await create(gateway, user)
    status, error, _headers = await edit(gateway, user, interview_id, {"notes": "x"}, if_match)
    assert status == 412, error
    assert (await read(gateway, user, interview_id))[0]["notes"] is None


async def test_a_missing_if_match_is_428_and_changes_nothing(gateway: RunningGateway, user: str) -> None:
    interview_id, _ = await create(gateway, user)

    status, error, _headers = await edit(gateway, user, interview_id, {"notes": "blind write"}, None)

    assert status == 428
    assert error["error"]["code"] == "precondition_required"  # type: ignore[index]
    assert "If-Match" in error["error"]["message"]  # type: ignore[index]
    body, etag = await read(gateway, user, interview_id)
    assert (body["notes"], etag) == (None, '"0"')


async def test_if_match_star_or_a_list_with_the_current_etag_edits(
    gateway: RunningGateway, user: str
) -> None:
    interview_id, _ = await create(gateway, user)
    assert (await edit(gateway, user, interview_id, {"notes": "a"}, "*"))[0] == 200
    status, edited, headers = await edit(gateway, user, interview_id, {"notes": "b"}, '"7", "1"')
    assert (status, edited["notes"], headers["etag"]) == (200, "b", '"2"')


async def test_an_edit_of_a_missing_interview_is_404_whatever_the_if_match(
    gateway: RunningGateway, user: str
) -> None:
    for if_match in ('"0"', "*"):
        status, error, _headers = await edit(gateway, user, str(uuid.uuid4()), {"notes": "x"}, if_match)
        assert (status, error["error"]["code"]) == (404, "interview_not_found")  # type: ignore[index]


async def test_the_openapi_description_says_if_match_is_required(gateway: RunningGateway) -> None:
    spec = (await gateway.client.get("/openapi.json")).json()
    operation = spec["paths"]["/interviews/{interview_id}"]["patch"]
    assert "If-Match` is required" in operation["description"]
    assert {"412", "428"} <= set(operation["responses"])
    assert any(p["name"] == "if-match" and p["in"] == "header" for p in operation["parameters"])
