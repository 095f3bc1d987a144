"""Signing in through Firebase in the browser: the gateway in Firebase mode, pointed at the
Firebase Auth emulator (firebase-tools, as `make test` starts it), tells the app so, and the app
signs people up and in with email and password through the Firebase JS SDK; the ID token it
gets opens the API as that person. (Google's pop-up needs apis.google.com, out of reach here:
the Google account itself is signed in through the emulator's IdP endpoint in
tests/integration/test_firebase_emulator.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from dev.service_processes import ServiceProcess, gateway_process, new_prefix
from tests.e2e.web.pages import keep

PROJECT = "demo-interview-buddy"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def firebase_gateway(
    kafka_bootstrap: str,
    database_url: str,
    firebase_auth_emulator: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServiceProcess]:
    gateway = gateway_process(
        new_prefix(), tmp_path_factory.mktemp("firebase-gateway"), kafka_bootstrap, database_url
    )
    gateway.extra_env.update(
        {
            "IB_AUTH_MODE": "firebase",
            "IB_FIREBASE_PROJECT_ID": PROJECT,
            "IB_FIREBASE_AUTH_EMULATOR_HOST": firebase_auth_emulator,
        }
    )
    gateway.start()
    yield gateway
    gateway.stop()


def emulator_id_token(emulator: str, email: str, password: str) -> str:
    """The ID token the emulator gives for this account, as Firebase's REST API gives it."""
    answer = httpx.post(
        f"http://{emulator}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any",
        json={"email": email, "password": password, "returnSecureToken": True},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["idToken"]
    return token


def signed_in_as(page: Page, who: str) -> None:
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {who}")).to_be_visible()


def test_a_person_creates_an_account_signs_out_and_back_in_with_email_and_password(
    firebase_gateway: ServiceProcess, firebase_auth_emulator: str, context: BrowserContext, screenshots: Path
) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    page = context.new_page()
    page.goto(firebase_gateway.url + "/")
    expect(page.get_by_test_id("email")).to_be_visible()
    expect(page.get_by_test_id("dev-user")).to_have_count(0)  # no dev sign-in in Firebase mode
    keep(page, screenshots, "sign-in-firebase")

    page.get_by_test_id("email").fill(email)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("no account with this email")  # not yet one
    page.get_by_role("button", name="I have no account yet").click()
    page.get_by_test_id("password").fill("short")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_test_id("dev-user")).to_have_count(0)
    assert page.get_by_test_id("password").evaluate("input => !input.validity.valid")  # 6 characters at least
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("sign-in").click()
    signed_in_as(page, email)

    # The account the browser made is the one the API knows: an interview created with the
    # emulator's token for it shows on the dashboard.
    token = emulator_id_token(firebase_auth_emulator, email, PASSWORD)
    created = httpx.post(
        firebase_gateway.url + "/interviews",
        json={"company": "Firebase Inc"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    page.reload()  # the Firebase session outlives a reload of the tab
    signed_in_as(page, email)
    expect(page.get_by_test_id("interview-row")).to_contain_text("Firebase Inc")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("email")).to_be_visible()
    page.reload()  # and a sign-out is not undone by one
    expect(page.get_by_test_id("email")).to_be_visible()

    page.get_by_test_id("email").fill(email)
    page.get_by_test_id("password").fill("not the password")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("email or the password is wrong")
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("sign-in").click()
    signed_in_as(page, email)
    expect(page.get_by_test_id("interview-row")).to_contain_text("Firebase Inc")


def test_when_google_cannot_be_reached_the_app_says_so_and_email_still_signs_in(
    firebase_gateway: ServiceProcess, context: BrowserContext
) -> None:
    # Firebase's Google pop-up loads Google's own script from apis.google.com first, in the
    # SDK and in the emulator's relay page alike; that host is out of reach here (and shut
    # outright for this test), which is what a person behind such a network meets.
    context.route("https://apis.google.com/**", lambda route: route.abort("internetdisconnected"))
    page = context.new_page()
    page.goto(firebase_gateway.url + "/")
    page.get_by_test_id("sign-in-google").click()

    expect(page.get_by_role("alert")).to_contain_text("Google's sign-in cannot be reached")
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_role("button", name="I have no account yet").click()
    page.get_by_test_id("email").fill(email)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("sign-in").click()
    signed_in_as(page, email)
    expect(page.get_by_text("No interviews yet")).to_be_visible()  # the API answered for them
