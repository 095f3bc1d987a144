"""The caller's account: their settings, and deleting everything of theirs."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from gateway.db.user_settings import UserSettingsQueries
from gateway.deps import CurrentUser, EraserDep, ReadModelDep, SettingsDep

router = APIRouter(prefix="/me", tags=["account"])

#: Longer than anyone needs, short enough for a date computation never to overflow.
MAX_RETENTION_DAYS = 3650


class UserSettingsPublic(BaseModel):
    retention_days: int = Field(description="Recordings are deleted this many days after their upload.")
    retention_is_default: bool = Field(description="True while the service's default applies.")


class UserSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention_days: int | None = Field(
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Days a recording is kept after its upload; null goes back to the default. "
        "Transcripts and analyses stay after their recording is deleted.",
    )


async def _settings_of(read_model: ReadModelDep, user_id: str, default_days: int) -> UserSettingsPublic:
    chosen = await UserSettingsQueries(read_model).retention_days(user_id)
    return UserSettingsPublic(retention_days=chosen or default_days, retention_is_default=chosen is None)


@router.get("/settings", response_model=UserSettingsPublic)
async def get_settings(
    user: CurrentUser, read_model: ReadModelDep, settings: SettingsDep
) -> UserSettingsPublic:
    return await _settings_of(read_model, user.user_id, settings.retention_days)


@router.put("/settings", response_model=UserSettingsPublic)
async def put_settings(
    body: UserSettingsUpdate, user: CurrentUser, read_model: ReadModelDep, settings: SettingsDep
) -> UserSettingsPublic:
    """Choose how long your recordings are kept; the retention sweeper deletes older ones."""
    await UserSettingsQueries(read_model).set_retention_days(user.user_id, body.retention_days)
    return await _settings_of(read_model, user.user_id, settings.retention_days)


@router.delete("", status_code=204)
async def delete_me(user: CurrentUser, eraser: EraserDep) -> Response:
    """Delete everything of yours: interviews with their recordings, transcripts and analyses,
    prep sessions with their practice answers, unfinished uploads and settings. Processing in
    progress stops. Deleting again answers 204 too."""
    await eraser.delete_user(user.user_id)
    return Response(status_code=204)
