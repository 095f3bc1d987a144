"""Who is calling: bearer tokens checked by an :class:`Authenticator`.

The default is a local RS256 dev issuer whose key pair is made on first use under
``<run dir>/auth/``; ``ib dev-token USER`` signs tokens with it. Firebase ID tokens come
later behind the same Protocol.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.errors import AuthenticationFailed

PRIVATE_KEY_FILE = "dev_issuer_private.pem"
PUBLIC_KEY_FILE = "dev_issuer_public.pem"
DEFAULT_TOKEN_SECONDS = 12 * 60 * 60


#: Where the dev issuer's users get their email: ``<user>@dev.interview-buddy.local``.
DEV_EMAIL_DOMAIN = "dev.interview-buddy.local"
_NOT_IN_A_LOCAL_PART = re.compile(r"[^A-Za-z0-9._+-]+")


@dataclass(frozen=True)
class AuthenticatedUser:
    user_id: str
    #: Where notifications are emailed: a Firebase token's verified ``email`` claim, the dev
    #: token's ``email`` claim or, without one, :func:`dev_email`; None when none is known.
    email: str | None = None
    #: When the token stops being valid (its ``exp`` claim, seconds since the epoch).
    expires_at: float | None = field(default=None, compare=False)


def dev_email(user_id: str) -> str:
    """The dev user's address (the local SMTP server takes any): ``<user>@dev.interview-buddy.local``."""
    local_part = _NOT_IN_A_LOCAL_PART.sub("-", user_id).strip(".-")[:64] or "user"
    return f"{local_part}@{DEV_EMAIL_DOMAIN}"


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> AuthenticatedUser:
        """The token's user; raises :class:`AuthenticationFailed` when it is not valid."""
        ...


def _load_or_create_private_key(auth_dir: Path) -> rsa.RSAPrivateKey:
    path = auth_dir / PRIVATE_KEY_FILE
    if not path.exists():
        auth_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temp = auth_dir / f".{PRIVATE_KEY_FILE}.{uuid.uuid4().hex}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
        try:
            # link() fails when the key exists: the gateway and the CLI may both create one
            # at the same moment, and the first one wins for both.
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise AuthenticationFailed(f"{path} does not hold an RSA private key")
    public_path = auth_dir / PUBLIC_KEY_FILE
    if not public_path.exists():
        public_path.write_bytes(
            loaded.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return loaded


class DevIssuer:
    """Signs tokens for local development and checks them."""

    def __init__(self, auth_dir: Path, issuer: str, audience: str) -> None:
        self._private_key = _load_or_create_private_key(auth_dir)
        self._public_key = self._private_key.public_key()
        self.issuer = issuer
        self.audience = audience

    def issue(self, user_id: str, lifetime_seconds: int = DEFAULT_TOKEN_SECONDS, **profile: str) -> str:
        """A token for ``user_id``; ``profile`` adds claims such as ``email`` and ``name``,
        as a Firebase ID token carries them."""
        now = int(time.time())
        claims = {
            **profile,
            "sub": user_id,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + lifetime_seconds,
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256")

    async def authenticate(self, token: str) -> AuthenticatedUser:
        return verify_token(token, self._public_key, self.issuer, self.audience)


def verify_token(token: str, public_key: rsa.RSAPublicKey, issuer: str, audience: str) -> AuthenticatedUser:
    """Check signature, expiry, issuer and audience; the messages tell the user what to do."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed(str(exc), user_message="Your token has expired: get a new one.") from exc
    except (jwt.InvalidIssuerError, jwt.InvalidAudienceError) as exc:
        raise AuthenticationFailed(
            str(exc),
            user_message="The token was issued for another service: get a token for Interview Buddy.",
        ) from exc
    except jwt.InvalidTokenError as exc:
        raise AuthenticationFailed(
            str(exc), user_message=f"The bearer token is not valid ({exc}). Get a new one."
        ) from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AuthenticationFailed("token without subject", user_message="The token names no user.")
    email = claims.get("email")
    return AuthenticatedUser(
        user_id=subject,
        email=email if isinstance(email, str) and email else dev_email(subject),
        expires_at=float(claims["exp"]),
    )
