"""Route dependencies, as ``Annotated`` aliases so route signatures stay short."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.auth import AuthenticatedUser
from gateway.deletion import Eraser
from gateway.errors import AuthenticationFailed, answers
from gateway.events import EventPublisher
from gateway.firebase_auth import AuthenticationUnavailable
from gateway.services import Services
from gateway.settings import Settings
from gateway.tus.storage.store import TusStore
from sinks.blobs.store import BlobStore
from sinks.errors import ReadModelUnavailable
from sinks.read_model import ReadModel
from topics.errors import InterviewBuddyError

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from `ib dev-token USER`, or a Firebase ID token (`IB_AUTH_MODE=firebase`).",
)


# The dependencies are ``async def`` although they never wait: FastAPI calls a plain ``def``
# dependency in its thread pool, a thread hop each per request.
async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_read_model(services: ServicesDep) -> ReadModel:
    return services.read_model


async def get_publisher(services: ServicesDep) -> EventPublisher:
    return services.publisher


async def get_blob_store(services: ServicesDep) -> BlobStore:
    return services.blob_store


async def get_tus_store(services: ServicesDep) -> TusStore:
    return services.tus_store


async def get_eraser(services: ServicesDep) -> Eraser:
    return services.eraser


async def get_current_user(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthenticatedUser:
    if credentials is None:
        raise AuthenticationFailed(
            "no bearer token",
            user_message="Missing bearer token: send 'Authorization: Bearer <token>' "
            "(`ib dev-token USER` prints one).",
        )
    return await services.authenticator.authenticate(credentials.credentials)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ReadModelDep = Annotated[ReadModel, Depends(get_read_model)]
PublisherDep = Annotated[EventPublisher, Depends(get_publisher)]
BlobStoreDep = Annotated[BlobStore, Depends(get_blob_store)]
TusStoreDep = Annotated[TusStore, Depends(get_tus_store)]
EraserDep = Annotated[Eraser, Depends(get_eraser)]
CurrentUser = Annotated[AuthenticatedUser, Depends(get_current_user)]


def answers_for_user(*kinds: type[InterviewBuddyError]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route for a signed-in user that may also raise ``kinds``:
    a missing or invalid token, the token's keys unreachable, the database unreachable."""
    return answers(AuthenticationFailed, AuthenticationUnavailable, ReadModelUnavailable, *kinds)
