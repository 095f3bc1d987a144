"""Dev sign-in: a bearer token of the local dev issuer for a user name, as ``ib dev-token``
prints one. The route exists only with ``IB_AUTH_MODE=dev`` and ``IB_ENVIRONMENT=development``
(``Settings.dev_sign_in_enabled``); anywhere else ``POST /auth/dev-token`` answers 404."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.auth import DEFAULT_TOKEN_SECONDS, DevIssuer
from gateway.deps import SettingsDep
from gateway.models.dev_sign_in import DevTokenCreate, DevTokenPublic

router = APIRouter(prefix="/auth", tags=["account"])


@router.post("/dev-token", response_model=DevTokenPublic)
async def create_dev_token(body: DevTokenCreate, settings: SettingsDep) -> DevTokenPublic:
    """Sign in on the local stack: a token for `user_name`. Only in development with the dev
    issuer; in production (Firebase sign-in) this path does not exist (404)."""
    issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
    return DevTokenPublic(
        token=issuer.issue(body.user_name), user_id=body.user_name, expires_in=DEFAULT_TOKEN_SECONDS
    )
