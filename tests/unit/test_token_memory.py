"""A token is checked once and then remembered, but never past its expiry or once refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.auth import AuthenticatedUser, DevIssuer
from gateway.errors import AuthenticationFailed
from gateway.token_memory import RememberedTokens


class CountingIssuer:
    """The dev issuer's checks, counted."""

    def __init__(self, issuer: DevIssuer) -> None:
        self.issuer = issuer
        self.checks = 0

    async def authenticate(self, token: str) -> AuthenticatedUser:
        self.checks += 1
        return await self.issuer.authenticate(token)


@pytest.fixture
def issuer(tmp_path: Path) -> DevIssuer:
    return DevIssuer(tmp_path, "https://issuer.test", "interview-buddy")


async def test_a_token_is_checked_once_and_answers_from_memory_after(issuer: DevIssuer) -> None:
    counting = CountingIssuer(issuer)
    tokens = RememberedTokens(counting)
    token = issuer.issue("ada")
    first = await tokens.authenticate(token)
    again = await tokens.authenticate(token)
    assert first == again == AuthenticatedUser("ada", "ada@dev.interview-buddy.local")
    assert counting.checks == 1


class ExpiringChecker:
    """Says yes until its clock passes the token's expiry, then refuses as an issuer would."""

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.expires_at = clock[0] + 60
        self.checks = 0

    async def authenticate(self, token: str) -> AuthenticatedUser:
        self.checks += 1
        if self.clock[0] >= self.expires_at:
            raise AuthenticationFailed("expired", user_message="Your token has expired: get a new one.")
        return AuthenticatedUser("ada", expires_at=self.expires_at)


async def test_a_remembered_token_is_refused_once_it_expires() -> None:
    clock = [1_000_000.0]
    checker = ExpiringChecker(clock)
    tokens = RememberedTokens(checker, clock=lambda: clock[0])
    await tokens.authenticate("token")
    clock[0] += 59
    await tokens.authenticate("token")
    assert checker.checks == 1
    clock[0] += 1
    with pytest.raises(AuthenticationFailed) as refused:
        await tokens.authenticate("token")
    assert "expired" in refused.value.user_message
    assert checker.checks == 2


async def test_a_refused_token_is_checked_again_each_time(issuer: DevIssuer) -> None:
    counting = CountingIssuer(issuer)
    tokens = RememberedTokens(counting)
    forged = issuer.issue("ada")[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            await tokens.authenticate(forged)
    assert counting.checks == 2


async def test_the_least_recently_used_token_goes_first_when_memory_is_full(issuer: DevIssuer) -> None:
    counting = CountingIssuer(issuer)
    tokens = RememberedTokens(counting, max_tokens=2)
    ada, bo, cy = (issuer.issue(user) for user in ("ada", "bo", "cy"))
    for token in (ada, bo, ada, cy):  # bo is the least recently used when cy comes
        await tokens.authenticate(token)
    assert counting.checks == 3
    await tokens.authenticate(ada)
    assert counting.checks == 3
    await tokens.authenticate(bo)
    assert counting.checks == 4
