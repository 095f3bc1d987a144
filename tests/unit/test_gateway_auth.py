from __future__ import annotations

import stat
import time
from pathlib import Path

import jwt
import pytest

from gateway.auth import PRIVATE_KEY_FILE, DevIssuer
from gateway.errors import AuthenticationFailed

ISSUER = "interview-buddy-dev"
AUDIENCE = "interview-buddy"


@pytest.fixture
def issuer(tmp_path: Path) -> DevIssuer:
    return DevIssuer(tmp_path / "auth", ISSUER, AUDIENCE)


async def test_a_fresh_token_names_its_user(issuer: DevIssuer) -> None:
    user = await issuer.authenticate(issuer.issue("alice"))
    assert user.user_id == "alice"


async def test_the_key_pair_is_made_once_with_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    first = DevIssuer(tmp_path / "auth", ISSUER, AUDIENCE)
    key_path = tmp_path / "auth" / PRIVATE_KEY_FILE
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    pem = key_path.read_bytes()
    second = DevIssuer(tmp_path / "auth", ISSUER, AUDIENCE)
    assert key_path.read_bytes() == pem
    # Tokens from one process (the CLI) are accepted by another that loads the same key (the gateway).
    assert (await second.authenticate(first.issue("bob"))).user_id == "bob"


async def test_an_expired_token_is_refused_with_a_clear_message(issuer: DevIssuer) -> None:
    token = issuer.issue("alice", lifetime_seconds=-10)
    with pytest.raises(AuthenticationFailed) as caught:
        await issuer.authenticate(token)
    assert "expired" in caught.value.user_message


async def test_a_token_from_another_issuer_is_refused(tmp_path: Path, issuer: DevIssuer) -> None:
    # Same key, different issuer name: only the claim differs.
    other = DevIssuer(tmp_path / "auth", "someone-else", AUDIENCE)
    with pytest.raises(AuthenticationFailed) as caught:
        await issuer.authenticate(other.issue("alice"))
    assert "another service" in caught.value.user_message


async def test_a_token_for_another_audience_is_refused(tmp_path: Path, issuer: DevIssuer) -> None:
    other = DevIssuer(tmp_path / "auth", ISSUER, "another-app")
    with pytest.raises(AuthenticationFailed):
        await issuer.authenticate(other.issue("alice"))


async def test_a_token_signed_with_another_key_is_refused(tmp_path: Path, issuer: DevIssuer) -> None:
    stranger = DevIssuer(tmp_path / "other-auth", ISSUER, AUDIENCE)
    with pytest.raises(AuthenticationFailed):
        await issuer.authenticate(stranger.issue("alice"))


async def test_a_tampered_token_is_refused(issuer: DevIssuer) -> None:
    header, _payload, signature = issuer.issue("alice").split(".")
    forged_payload = jwt.utils.base64url_encode(
        f'{{"sub":"mallory","iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{int(time.time()) + 600}}}'.encode()
    ).decode()
    with pytest.raises(AuthenticationFailed):
        await issuer.authenticate(f"{header}.{forged_payload}.{signature}")


async def test_an_unsigned_token_is_refused(issuer: DevIssuer) -> None:
    unsigned = jwt.encode(
        {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60},
        key=None,
        algorithm="none",
    )
    with pytest.raises(AuthenticationFailed):
        await issuer.authenticate(unsigned)


async def test_garbage_is_refused(issuer: DevIssuer) -> None:
    with pytest.raises(AuthenticationFailed):
        await issuer.authenticate("not-a-token")
