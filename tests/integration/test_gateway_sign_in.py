"""Sign-in on a running gateway: ``GET /auth/config`` tells the browser which way to sign in; the
dev sign-in's token opens the API as that user, and elsewhere than a development stack with the
dev issuer the dev route is not there (404)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from gateway.settings import Settings
from tests.integration.gateway_helpers import RunningGateway, running_gateway

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]


async def test_a_dev_token_signs_the_user_in(gateway: RunningGateway) -> None:
    user_name = f"dev-{uuid.uuid4().hex[:8]}"

    answer = await gateway.client.post("/auth/dev-token", json={"user_name": user_name})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user_id"] == user_name and body["expires_in"] > 0
    headers = {"Authorization": f"Bearer {body['token']}"}
    created = await gateway.client.post("/interviews", json={"company": "Acme"}, headers=headers)
    assert created.status_code == 201
    listed = await gateway.client.get("/interviews", headers=headers)
    assert [row["interview_id"] for row in listed.json()["data"]] == [created.json()["interview_id"]]
    assert listed.json()["data"][0]["overall_score"] is None


async def test_the_local_stack_tells_the_browser_to_sign_in_with_a_user_name(gateway: RunningGateway) -> None:
    answer = await gateway.client.get("/auth/config")

    assert answer.status_code == 200
    assert answer.json() == {"mode": "dev", "firebase": None}


async def test_a_user_name_that_is_not_a_name_is_invalid_input(gateway: RunningGateway) -> None:
    answer = await gateway.client.post("/auth/dev-token", json={"user_name": "a b/c"})

    assert answer.status_code == 422


async def test_firebase_mode_has_no_dev_sign_in(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str
) -> None:
    settings = Settings(
        run_dir=tmp_path / "run",
        kafka_bootstrap=kafka_bootstrap,
        database_url=SecretStr(database_url),
        topic_prefix=topic_prefix,
        auth_mode="firebase",
        firebase_project_id="ib-test",
        firebase_web_api_key="AIzaSyD-example-key",
    )
    async with running_gateway(settings) as running:
        answer = await running.client.post("/auth/dev-token", json={"user_name": "demo"})
        config = await running.client.get("/auth/config")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    # The browser gets what the Firebase JS SDK needs, and Google's servers, not an emulator.
    assert config.json() == {
        "mode": "firebase",
        "firebase": {
            "api_key": "AIzaSyD-example-key",
            "auth_domain": "ib-test.firebaseapp.com",
            "project_id": "ib-test",
            "emulator_url": None,
        },
    }
