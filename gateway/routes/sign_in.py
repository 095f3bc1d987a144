"""How the browser signs in. ``GET /auth/config`` says which way this gateway takes (the dev
issuer's user names, or Firebase with the settings its JS SDK needs) and is always there.
``POST /auth/dev-token`` gives a bearer token of the local dev issuer for a user name, as
``ib dev-token`` prints one; it exists only with ``IB_AUTH_MODE=dev`` and
``IB_ENVIRONMENT=development`` (``Settings.dev_sign_in_enabled``), anywhere else it answers 404."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.auth import DEFAULT_TOKEN_SECONDS, DevIssuer
from gateway.deps import SettingsDep
from gateway.models.sign_in import DevTokenCreate, DevTokenPublic, FirebaseWebConfig, SignInConfig

router = APIRouter(prefix="/auth", tags=["account"])
dev_router = APIRouter(prefix="/auth", tags=["account"])

#: The Firebase Auth emulator takes any Web API key; the SDK wants one.
EMULATOR_API_KEY = "emulator-api-key"


@router.get("/config", response_model=SignInConfig)
async def sign_in_config(settings: SettingsDep) -> SignInConfig:
    """How to sign in here: `dev` (a user name, `POST /auth/dev-token`) or `firebase` (the
    Firebase JS SDK with `firebase`, then its ID token as the bearer token). Needs no token."""
    if settings.auth_mode == "dev":
        return SignInConfig(mode="dev", firebase=None)
    assert settings.firebase_project_id is not None  # the settings refuse firebase mode without
    emulator = settings.firebase_auth_emulator_host
    return SignInConfig(
        mode="firebase",
        firebase=FirebaseWebConfig(
            api_key=settings.firebase_web_api_key or EMULATOR_API_KEY,
            auth_domain=settings.firebase_auth_domain or f"{settings.firebase_project_id}.firebaseapp.com",
            project_id=settings.firebase_project_id,
            emulator_url=f"http://{emulator}" if emulator else None,
        ),
    )


@dev_router.post("/dev-token", response_model=DevTokenPublic)
async def create_dev_token(body: DevTokenCreate, settings: SettingsDep) -> DevTokenPublic:
    """Sign in on the local stack: a token for `user_name`. Only in development with the dev
    issuer; in production (Firebase sign-in) this path does not exist (404)."""
    issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
    return DevTokenPublic(
        token=issuer.issue(body.user_name), user_id=body.user_name, expires_in=DEFAULT_TOKEN_SECONDS
    )
