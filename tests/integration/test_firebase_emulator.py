"""Firebase sign-in through the real Firebase Auth emulator (firebase-tools): users sign up and
in with email and password or a (fake) Google account, and the gateway, pointed at the
emulator, takes their ID tokens."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.integration.gateway_helpers import RunningGateway, gateway_settings, running_gateway

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

PROJECT = "demo-interview-buddy"
#: The emulator takes any API key.
API_KEY = "emulator"


async def _identity(emulator: str, call: str, body: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"http://{emulator}/identitytoolkit.googleapis.com/v1/accounts:{call}?key={API_KEY}", json=body
        )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest_asyncio.fixture(loop_scope="session")
async def firebase_gateway(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topic_prefix: str, firebase_auth_emulator: str
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(
        tmp_path / "run",
        kafka_bootstrap,
        database_url,
        topic_prefix,
        auth_mode="firebase",
        firebase_project_id=PROJECT,
        firebase_auth_emulator_host=firebase_auth_emulator,
    )
    async with running_gateway(settings) as running:
        yield running


async def test_a_user_signed_up_with_email_and_password_uses_the_api(
    firebase_gateway: RunningGateway, firebase_auth_emulator: str
) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    signed_up = await _identity(
        firebase_auth_emulator, "signUp", {"email": email, "password": "secret123", "returnSecureToken": True}
    )
    signed_in = await _identity(
        firebase_auth_emulator,
        "signInWithPassword",
        {"email": email, "password": "secret123", "returnSecureToken": True},
    )
    auth = {"Authorization": f"Bearer {signed_in['idToken']}"}
    created = await firebase_gateway.client.post("/interviews", json={"company": "Acme"}, headers=auth)
    assert created.status_code == 201, created.text
    mine = (await firebase_gateway.client.get("/interviews", headers=auth)).json()
    assert [row["interview_id"] for row in mine["data"]] == [created.json()["interview_id"]]
    assert signed_up["localId"] == signed_in["localId"]


async def test_a_google_sign_in_through_the_emulator_is_another_user(
    firebase_gateway: RunningGateway, firebase_auth_emulator: str
) -> None:
    # The emulator's fake Google: an unsigned Google ID token naming the account.
    google_account = {"sub": uuid.uuid4().hex, "email": "grace@example.com", "email_verified": True}
    fake_google_token = "eyJhbGciOiJub25lIn0." + _b64(json.dumps(google_account)) + "."
    signed_in = await _identity(
        firebase_auth_emulator,
        "signInWithIdp",
        {
            "postBody": f"id_token={fake_google_token}&providerId=google.com",
            "requestUri": "http://localhost",
            "returnSecureToken": True,
        },
    )
    auth = {"Authorization": f"Bearer {signed_in['idToken']}"}
    answer = await firebase_gateway.client.get("/interviews", headers=auth)
    assert answer.status_code == 200, answer.text
    assert answer.json()["count"] == 0  # a new user sees nothing of anyone else's


async def test_the_dev_issuers_token_is_refused_in_firebase_mode(firebase_gateway: RunningGateway) -> None:
    answer = await firebase_gateway.client.get("/interviews", headers=firebase_gateway.auth("someone"))
    assert answer.status_code == 401
    assert "emulator" in answer.json()["error"]["message"]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def test_the_browser_is_pointed_at_the_emulator_the_gateway_trusts(
    firebase_gateway: RunningGateway, firebase_auth_emulator: str
) -> None:
    config = (await firebase_gateway.client.get("/auth/config")).json()

    assert config["mode"] == "firebase"
    assert config["firebase"]["emulator_url"] == f"http://{firebase_auth_emulator}"
    assert config["firebase"]["project_id"] == PROJECT
