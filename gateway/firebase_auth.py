"""Firebase ID tokens, verified against the X.509 certificates Google publishes.

Follows Firebase's "verify ID tokens using a third-party JWT library" rules: RS256 only, the
``kid`` names one of Google's current certificates, ``aud`` is the project id, ``iss`` is
``https://securetoken.google.com/<project>``, ``exp`` in the future, ``iat`` and ``auth_time``
in the past, and a non-empty ``sub`` (the Firebase uid) is the user id.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import AuthenticatedUser
from gateway.errors import AuthenticationFailed, GatewayError
from gateway.settings import GOOGLE_CERTS_URL

log = logging.getLogger(__name__)

ISSUER_PREFIX = "https://securetoken.google.com/"
#: Clocks of Google's token service and ours differ a little; Firebase's own SDKs allow this much.
DEFAULT_LEEWAY_SECONDS = 60
#: An unknown ``kid`` refetches the certificates at most this often, so a flood of forged
#: tokens cannot turn into a flood of requests to Google.
DEFAULT_REFETCH_INTERVAL_SECONDS = 30.0
#: Firebase uids are at most 128 characters.
MAX_SUBJECT_CHARS = 128

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?:,|$)", re.IGNORECASE)


class AuthenticationUnavailable(GatewayError):
    """Google's certificates could not be fetched: the token may be fine, we cannot tell."""

    code = "authentication_unavailable"
    status_code = 503
    user_message = "We cannot check sign-ins right now. Please try again in a minute."


def _refused(reason: str, user_message: str) -> AuthenticationFailed:
    return AuthenticationFailed(reason, user_message=user_message)


def verified_email(claims: dict[str, object]) -> str | None:
    """The token's ``email`` when Firebase says it is verified: mail goes to no address its
    user has not shown to be theirs."""
    email = claims.get("email")
    if isinstance(email, str) and email and claims.get("email_verified") is True:
        return email
    return None


def freshness_seconds(cache_control: str | None, age: str | None) -> float:
    """How long a response stays fresh by its ``Cache-Control`` and ``Age`` (RFC 9111)."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return 0.0
    match = _MAX_AGE.search(cache_control)
    if match is None:
        return 0.0
    already = int(age) if age and age.strip().isdigit() else 0
    return max(0.0, float(int(match.group(1)) - already))


@dataclass(frozen=True)
class _CertificateSet:
    keys: dict[str, rsa.RSAPublicKey]
    fetched_at: float
    fresh_until: float


class GoogleCertificates:
    """Google's signing keys by ``kid``, cached as long as the endpoint allows."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str = GOOGLE_CERTS_URL,
        *,
        refetch_interval: float = DEFAULT_REFETCH_INTERVAL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = url
        self._refetch_interval = refetch_interval
        self._monotonic = monotonic
        self._current: _CertificateSet | None = None
        # Many requests arriving with a cold cache share one fetch.
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def key_for(self, kid: str) -> rsa.RSAPublicKey | None:
        current = self._current
        now = self._monotonic()
        if current is None or now >= current.fresh_until:
            current = await self._refresh(stale=current)
        elif kid not in current.keys and now - current.fetched_at >= self._refetch_interval:
            # Google rotates keys and publishes the new one before using it, but a cache may
            # hold the list from just before the rotation: look once more.
            current = await self._refresh(stale=current)
        return current.keys.get(kid)

    async def _refresh(self, stale: _CertificateSet | None) -> _CertificateSet:
        async with self._lock:
            if self._current is not stale:  # another request refreshed while this one waited
                assert self._current is not None
                return self._current
            try:
                fetched = await self._fetch()
            except AuthenticationUnavailable:
                if stale is None:
                    raise
                # Keys Google published a little while ago beat refusing every user.
                log.warning("could not refresh Google's certificates; using the previous ones")
                fetched = _CertificateSet(
                    stale.keys, self._monotonic(), self._monotonic() + self._refetch_interval
                )
            self._current = fetched
            return fetched

    async def _fetch(self) -> _CertificateSet:
        self.fetch_count += 1
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            payload = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AuthenticationUnavailable(f"fetching {self._url} failed: {exc}") from exc
        if not isinstance(payload, dict):
            raise AuthenticationUnavailable(f"{self._url} did not answer with a JSON object")
        keys: dict[str, rsa.RSAPublicKey] = {}
        for kid, pem in payload.items():
            try:
                public_key = x509.load_pem_x509_certificate(str(pem).encode()).public_key()
            except ValueError:
                log.warning("skipping certificate %s from %s: not a PEM X.509 certificate", kid, self._url)
                continue
            if isinstance(public_key, rsa.RSAPublicKey):
                keys[str(kid)] = public_key
        fetched_at = self._monotonic()
        fresh_for = freshness_seconds(response.headers.get("cache-control"), response.headers.get("age"))
        return _CertificateSet(keys, fetched_at, fetched_at + fresh_for)


class FirebaseAuthenticator:
    """Checks Firebase ID tokens of one Firebase project."""

    def __init__(
        self,
        project_id: str,
        certs_url: str,
        http: httpx.AsyncClient,
        *,
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
        refetch_interval: float = DEFAULT_REFETCH_INTERVAL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not project_id:
            raise ValueError("a Firebase project id is needed")
        self.project_id = project_id
        self.issuer = ISSUER_PREFIX + project_id
        self.leeway_seconds = leeway_seconds
        self.certificates = GoogleCertificates(
            http, certs_url, refetch_interval=refetch_interval, monotonic=monotonic
        )

    async def authenticate(self, token: str) -> AuthenticatedUser:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise _refused(f"malformed token: {exc}", "The bearer token is not a Firebase ID token.") from exc
        algorithm = header.get("alg")
        if algorithm != "RS256":
            raise _refused(
                f"token algorithm {algorithm!r}, not RS256",
                "The token is not signed with RS256 as Firebase ID tokens are: sign in again.",
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _refused("token header without kid", "The token names no signing key: sign in again.")
        public_key = await self.certificates.key_for(kid)
        if public_key is None:
            raise _refused(
                f"unknown signing key {kid!r}",
                "The token is signed with a key Firebase does not publish (unknown key): sign in again.",
            )
        claims = _checked_claims(token, public_key, self.project_id, self.leeway_seconds)
        return _user(claims)


def _checked_claims(
    token: str, key: rsa.RSAPublicKey | None, project_id: str, leeway_seconds: int
) -> dict[str, object]:
    """The token's claims once ``aud``, ``iss``, ``exp``, ``iat`` and ``auth_time`` hold, and its
    RS256 signature with ``key`` (None: an emulator's unsigned token, which has no signature)."""
    issuer = ISSUER_PREFIX + project_id
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=project_id,
            issuer=issuer,
            leeway=leeway_seconds,
            options={
                "require": ["exp", "iat", "aud", "iss", "sub", "auth_time"],
                "verify_signature": key is not None,
                # Without the signature PyJWT checks no claim unless told to: every one is named.
                "verify_exp": True,
                "verify_iat": True,
                "verify_nbf": True,
                "verify_aud": True,
                "verify_iss": True,
            },
        )
    except jwt.ExpiredSignatureError as exc:
        raise _refused(str(exc), "Your sign-in has expired: sign in again.") from exc
    except jwt.InvalidAudienceError as exc:
        raise _refused(
            f"{exc} (expected {project_id!r})",
            "The token was issued for another Firebase project (wrong audience): sign in to Interview Buddy.",
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise _refused(
            f"{exc} (expected {issuer!r})",
            "The token was not issued by Interview Buddy's Firebase project (wrong issuer): sign in again.",
        ) from exc
    except jwt.ImmatureSignatureError as exc:
        raise _refused(
            str(exc), "The token is issued in the future: check this device's clock, then sign in again."
        ) from exc
    except jwt.InvalidSignatureError as exc:
        raise _refused(
            str(exc), "The token's signature does not match (bad signature): sign in again."
        ) from exc
    except jwt.MissingRequiredClaimError as exc:
        raise _refused(
            str(exc), f"The token lacks the {exc.claim!r} claim of a Firebase ID token: sign in again."
        ) from exc
    except jwt.InvalidTokenError as exc:
        raise _refused(str(exc), f"The bearer token is not valid ({exc}): sign in again.") from exc
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        raise _refused("auth_time is not a number", "The token's sign-in time is not valid: sign in again.")
    if auth_time > time.time() + leeway_seconds:
        raise _refused(
            "auth_time in the future",
            "The token's sign-in time is in the future: check this device's clock, then sign in again.",
        )
    return claims


def _user(claims: dict[str, object]) -> AuthenticatedUser:
    return AuthenticatedUser(
        user_id=_subject(claims), email=verified_email(claims), expires_at=float(str(claims["exp"]))
    )


def _subject(claims: dict[str, object]) -> str:
    """The Firebase uid, which is the user id."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT_CHARS:
        raise _refused("token without a valid subject", "The token names no user: sign in again.")
    return subject


class FirebaseEmulatorAuthenticator:
    """Checks the Firebase Auth emulator's ID tokens: unsigned (``alg: none``), and otherwise held
    to every rule of a real one. Built only when the gateway is pointed at the emulator, never
    in production (``Settings`` refuses that)."""

    def __init__(self, project_id: str, *, leeway_seconds: int = DEFAULT_LEEWAY_SECONDS) -> None:
        if not project_id:
            raise ValueError("a Firebase project id is needed")
        self.project_id = project_id
        self.leeway_seconds = leeway_seconds

    async def authenticate(self, token: str) -> AuthenticatedUser:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as exc:
            raise _refused(f"malformed token: {exc}", "The bearer token is not a Firebase ID token.") from exc
        if algorithm != "none":
            raise _refused(
                f"token algorithm {algorithm!r} where the emulator's are unsigned",
                "The token is not one of the Firebase Auth emulator's: sign in again.",
            )
        claims = _checked_claims(token, None, self.project_id, self.leeway_seconds)
        return _user(claims)
