"""The caller's account: their settings, and deleting everything of theirs."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gateway.db.user_settings import DEFAULT_EMAIL_NOTIFICATIONS, UserSettingsQueries
from gateway.deps import CurrentUser, EraserDep, ReadModelDep, ServicesDep, SettingsDep, answers_for_user
from gateway.errors import BrokerUnavailable
from gateway.models.me import UserSettingsPublic, UserSettingsUpdate
from sinks.errors import BlobStoreError

router = APIRouter(prefix="/me", tags=["account"])


async def _settings_of(read_model: ReadModelDep, user_id: str, default_days: int) -> UserSettingsPublic:
    chosen = await UserSettingsQueries(read_model).stored(user_id)
    return UserSettingsPublic(
        retention_days=chosen.retention_days or default_days,
        retention_is_default=chosen.retention_days is None,
        email_notifications=(
            DEFAULT_EMAIL_NOTIFICATIONS if chosen.email_notifications is None else chosen.email_notifications
        ),
    )


@router.get("/settings", response_model=UserSettingsPublic, responses=answers_for_user())
async def get_settings(
    user: CurrentUser, read_model: ReadModelDep, settings: SettingsDep
) -> UserSettingsPublic:
    return await _settings_of(read_model, user.user_id, settings.retention_days)


@router.put("/settings", response_model=UserSettingsPublic, responses=answers_for_user())
async def put_settings(
    body: UserSettingsUpdate, user: CurrentUser, read_model: ReadModelDep, settings: SettingsDep
) -> UserSettingsPublic:
    """Choose how long your recordings are kept (the retention sweeper deletes older ones) and
    whether you are emailed when an analysis completes or fails. A setting left out of the body
    keeps its value."""
    queries = UserSettingsQueries(read_model)
    if "retention_days" in body.model_fields_set:
        await queries.set_retention_days(user.user_id, body.retention_days)
    if "email_notifications" in body.model_fields_set:
        await queries.set_email_notifications(user.user_id, body.email_notifications)
    return await _settings_of(read_model, user.user_id, settings.retention_days)


@router.delete("", status_code=204, responses=answers_for_user(BlobStoreError, BrokerUnavailable))
async def delete_me(user: CurrentUser, eraser: EraserDep, services: ServicesDep) -> Response:
    """Delete everything of yours: interviews with their recordings, transcripts and analyses,
    prep sessions with their practice answers, unfinished uploads and settings. Processing in
    progress stops. Deleting again answers 204 too."""
    await eraser.delete_user(user.user_id)
    services.contacts.forget(user.user_id)
    return Response(status_code=204)
