"""FirebaseAuthenticator against tokens signed here, with certificates served on 127.0.0.1."""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from gateway.auth import DevIssuer
from gateway.errors import AuthenticationFailed
from gateway.firebase_auth import (
    AuthenticationUnavailable,
    FirebaseAuthenticator,
    FirebaseEmulatorAuthenticator,
    freshness_seconds,
)
from gateway.services import make_authenticator
from gateway.settings import Settings

PROJECT = "interview-buddy-test"
#: A Firebase Web API key as the console shows one (public: every page of a web app carries it).
WEB_API_KEY = "AIzaSyD-example-key"
ISSUER = f"https://securetoken.google.com/{PROJECT}"
MAX_AGE = 3600
REFETCH_INTERVAL = 30.0


@dataclass
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    certificate_pem: str


def make_signing_key(kid: str) -> SigningKey:
    """An RSA key and a self-signed X.509 certificate for it, as Google publishes them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    return SigningKey(kid, key, certificate.public_bytes(serialization.Encoding.PEM).decode())


@pytest.fixture(scope="module")
def google_key() -> SigningKey:
    return make_signing_key("google-key-1")


@pytest.fixture(scope="module")
def rotated_key() -> SigningKey:
    return make_signing_key("google-key-2")


@dataclass
class CertificateEndpoint:
    """A real HTTP server that publishes certificates the way Google's endpoint does."""

    certificates: dict[str, str]
    cache_control: str = f"public, max-age={MAX_AGE}, must-revalidate, no-transform"
    requests: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, *keys: SigningKey) -> None:
        with self.lock:
            self.certificates = {key.kid: key.certificate_pem for key in keys}


@pytest.fixture
def endpoint(google_key: SigningKey) -> Iterator[CertificateEndpoint]:
    state = CertificateEndpoint({google_key.kid: google_key.certificate_pem})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.requests += 1
                body = json.dumps(state.certificates).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Cache-Control", state.cache_control)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/robot/v1/metadata/x509/securetoken"
    # A short poll interval: shutdown() waits for the serving loop's next look at its flag.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


class FakeClock:
    """The cache's monotonic clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def authenticator(
    endpoint: CertificateEndpoint, http: httpx.AsyncClient, clock: FakeClock
) -> FirebaseAuthenticator:
    return FirebaseAuthenticator(
        PROJECT, endpoint.url, http, refetch_interval=REFETCH_INTERVAL, monotonic=clock
    )


def firebase_token(key: SigningKey, *, kid: str | None = None, **overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": PROJECT,
        "auth_time": now - 60,
        "user_id": "firebase-uid-1",
        "sub": "firebase-uid-1",
        "iat": now - 10,
        "exp": now + 3600,
        "firebase": {"identities": {}, "sign_in_provider": "password"},
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": kid or key.kid})


async def refused(authenticator: FirebaseAuthenticator, token: str) -> str:
    with pytest.raises(AuthenticationFailed) as caught:
        await authenticator.authenticate(token)
    assert caught.value.status_code == 401
    return caught.value.user_message


async def test_a_valid_token_names_its_firebase_user(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    user = await authenticator.authenticate(firebase_token(google_key))
    assert user.user_id == "firebase-uid-1"


async def test_an_expired_token_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    now = int(time.time())
    token = firebase_token(google_key, iat=now - 7200, exp=now - 3600, auth_time=now - 7200)
    assert "expired" in await refused(authenticator, token)


async def test_a_token_for_another_project_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    assert "wrong audience" in await refused(authenticator, firebase_token(google_key, aud="another-project"))


async def test_a_token_from_another_issuer_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    token = firebase_token(google_key, iss="https://securetoken.google.com/another-project")
    assert "wrong issuer" in await refused(authenticator, token)


async def test_a_token_signed_with_an_unpublished_key_is_refused(
    authenticator: FirebaseAuthenticator, rotated_key: SigningKey
) -> None:
    assert "unknown key" in await refused(authenticator, firebase_token(rotated_key))


async def test_a_token_whose_signature_does_not_match_its_key_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey, rotated_key: SigningKey
) -> None:
    # Signed by another key but naming Google's kid: a forgery.
    token = firebase_token(rotated_key, kid=google_key.kid)
    assert "bad signature" in await refused(authenticator, token)


@pytest.mark.parametrize("algorithm", ["HS256", "RS512", "none"])
async def test_a_token_not_signed_with_rs256_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey, algorithm: str
) -> None:
    claims = jwt.decode(firebase_token(google_key), options={"verify_signature": False})
    key: Any = {"HS256": "a-shared-secret-that-is-long-enough-for-hs256", "none": None}.get(
        algorithm, google_key.private_key
    )
    token = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": google_key.kid})
    assert "not signed with RS256" in await refused(authenticator, token)


async def test_a_token_issued_in_the_future_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    later = int(time.time()) + 600
    token = firebase_token(google_key, iat=later, exp=later + 3600)
    assert "in the future" in await refused(authenticator, token)


async def test_a_small_clock_difference_is_tolerated(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    soon = int(time.time()) + 20
    token = firebase_token(google_key, iat=soon, auth_time=soon)
    assert (await authenticator.authenticate(token)).user_id == "firebase-uid-1"


async def test_a_sign_in_time_in_the_future_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    token = firebase_token(google_key, auth_time=int(time.time()) + 600)
    assert "sign-in time is in the future" in await refused(authenticator, token)


async def test_a_token_without_a_sign_in_time_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    assert "auth_time" in await refused(authenticator, firebase_token(google_key, auth_time=None))


async def test_a_token_with_an_empty_subject_is_refused(
    authenticator: FirebaseAuthenticator, google_key: SigningKey
) -> None:
    assert "names no user" in await refused(authenticator, firebase_token(google_key, sub=""))


async def test_garbage_is_refused(authenticator: FirebaseAuthenticator) -> None:
    assert "not a Firebase ID token" in await refused(authenticator, "not-a-jwt")


async def test_many_verifications_fetch_the_certificates_once(
    authenticator: FirebaseAuthenticator, endpoint: CertificateEndpoint, google_key: SigningKey
) -> None:
    tokens = [firebase_token(google_key, sub=f"user-{number}") for number in range(50)]
    users = [await authenticator.authenticate(token) for token in tokens]
    assert [user.user_id for user in users] == [f"user-{number}" for number in range(50)]
    assert endpoint.requests == 1


async def test_the_certificates_are_fetched_again_after_their_max_age(
    authenticator: FirebaseAuthenticator,
    endpoint: CertificateEndpoint,
    google_key: SigningKey,
    clock: FakeClock,
) -> None:
    token = firebase_token(google_key)
    await authenticator.authenticate(token)
    clock.now += MAX_AGE - 1
    await authenticator.authenticate(token)
    assert endpoint.requests == 1
    clock.now += 1
    await authenticator.authenticate(token)
    assert endpoint.requests == 2


async def test_an_unknown_kid_fetches_again_once_per_interval_and_finds_a_rotated_key(
    authenticator: FirebaseAuthenticator,
    endpoint: CertificateEndpoint,
    google_key: SigningKey,
    rotated_key: SigningKey,
    clock: FakeClock,
) -> None:
    await authenticator.authenticate(firebase_token(google_key))
    assert endpoint.requests == 1
    # Google publishes a new key; our cache, still fresh, does not know it yet.
    endpoint.publish(google_key, rotated_key)
    clock.now += REFETCH_INTERVAL
    user = await authenticator.authenticate(firebase_token(rotated_key, sub="rotated-user"))
    assert user.user_id == "rotated-user"
    assert endpoint.requests == 2
    # Forged kids right after: refused from the cache, no request to the endpoint each time.
    for number in range(5):
        await refused(authenticator, firebase_token(rotated_key, kid=f"forged-{number}"))
    assert endpoint.requests == 2


def test_freshness_follows_cache_control_and_age() -> None:
    assert freshness_seconds("public, max-age=19055, must-revalidate, no-transform", None) == 19055
    assert freshness_seconds("public, max-age=100", "40") == 60
    assert freshness_seconds("no-cache, max-age=100", None) == 0
    assert freshness_seconds(None, None) == 0


async def test_an_endpoint_that_does_not_answer_is_a_503_not_a_401(http: httpx.AsyncClient) -> None:
    authenticator = FirebaseAuthenticator(PROJECT, "http://127.0.0.1:9/certs", http)
    with pytest.raises(AuthenticationUnavailable) as caught:
        await authenticator.authenticate(firebase_token(make_signing_key("k")))
    assert caught.value.status_code == 503


def test_production_refuses_the_dev_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IB_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="only Firebase"):
        Settings()
    with pytest.raises(ValidationError, match="IB_FIREBASE_PROJECT_ID"):
        Settings(auth_mode="firebase", firebase_web_api_key=WEB_API_KEY)
    with pytest.raises(ValidationError, match="IB_FIREBASE_WEB_API_KEY"):
        Settings(auth_mode="firebase", firebase_project_id=PROJECT)


async def test_the_settings_choose_the_authenticator(
    tmp_path: Any, endpoint: CertificateEndpoint, http: httpx.AsyncClient
) -> None:
    firebase = Settings(
        run_dir=tmp_path,
        environment="production",
        auth_mode="firebase",
        firebase_project_id=PROJECT,
        firebase_web_api_key=WEB_API_KEY,
        firebase_certs_url=endpoint.url,
    )
    chosen = make_authenticator(firebase, http).checked_by
    assert isinstance(chosen, FirebaseAuthenticator)
    assert chosen.project_id == PROJECT
    assert isinstance(make_authenticator(Settings(run_dir=tmp_path), http).checked_by, DevIssuer)


# --- the Firebase Auth emulator's unsigned tokens ------------------------------------------------


def emulator_token(**overrides: Any) -> str:
    """A token as the Firebase Auth emulator issues it: the claims of a real one, ``alg: none``."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": PROJECT,
        "auth_time": now - 60,
        "sub": "emulated-uid",
        "iat": now - 10,
        "exp": now + 3600,
        "email": "ada@example.com",
    }
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, None, algorithm="none")


async def test_the_emulator_authenticator_takes_an_unsigned_token_that_keeps_every_other_rule() -> None:
    authenticator = FirebaseEmulatorAuthenticator(PROJECT)
    assert (await authenticator.authenticate(emulator_token())).user_id == "emulated-uid"
    assert "wrong audience" in await refused(authenticator, emulator_token(aud="another-project"))
    assert "wrong issuer" in await refused(authenticator, emulator_token(iss="https://evil.example"))
    assert "expired" in await refused(authenticator, emulator_token(exp=int(time.time()) - 3600))
    assert "names no user" in await refused(authenticator, emulator_token(sub=""))


async def test_the_emulator_authenticator_refuses_a_signed_token(google_key: SigningKey) -> None:
    message = await refused(FirebaseEmulatorAuthenticator(PROJECT), firebase_token(google_key))
    assert "not one of the Firebase Auth emulator's" in message


async def test_a_real_firebase_authenticator_refuses_the_emulators_unsigned_token(
    authenticator: FirebaseAuthenticator,
) -> None:
    assert "RS256" in await refused(authenticator, emulator_token())


def test_production_never_accepts_the_emulators_tokens(tmp_path: Any, http: httpx.AsyncClient) -> None:
    with pytest.raises(ValidationError, match="never accepts the Firebase Auth emulator"):
        Settings(
            environment="production",
            auth_mode="firebase",
            firebase_project_id=PROJECT,
            firebase_web_api_key=WEB_API_KEY,
            firebase_auth_emulator_host="127.0.0.1:9099",
        )
    pointed = Settings(
        run_dir=tmp_path, auth_mode="firebase", firebase_project_id=PROJECT, firebase_auth_emulator_host="x:1"
    )
    assert isinstance(make_authenticator(pointed, http).checked_by, FirebaseEmulatorAuthenticator)
