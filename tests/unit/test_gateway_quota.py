"""The quota check and its messages, without a database."""

from __future__ import annotations

import pytest

from gateway.errors import QuotaExceeded
from gateway.quota import FREE_TIER, QuotaLimits, QuotaUsage, check_room, human_bytes
from gateway.settings import Settings

GIB = 1024**3
LIMITS = QuotaLimits(recordings=20, bytes=10 * GIB)


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (512, "512 bytes"), (1536, "1.5 KB"), (300 * 1024**2, "300 MB"), (10 * GIB, "10 GB")],
)
def test_sizes_read_as_people_write_them(size: int, text: str) -> None:
    assert human_bytes(size) == text


PRODUCTION = {
    "environment": "production",
    "auth_mode": "firebase",
    "firebase_project_id": "ib",
    "firebase_web_api_key": "AIzaSyD-example-key",
}


def test_production_gives_the_free_tier_of_20_recordings_and_10_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IB_QUOTA_RECORDINGS", raising=False)
    monkeypatch.delenv("IB_QUOTA_BYTES", raising=False)
    assert QuotaLimits.from_settings(Settings(**PRODUCTION)) == LIMITS == FREE_TIER


def test_development_has_no_limit_unless_one_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IB_QUOTA_RECORDINGS", raising=False)
    monkeypatch.delenv("IB_QUOTA_BYTES", raising=False)
    limits = QuotaLimits.from_settings(Settings())
    check_room(QuotaUsage(recordings=10_000, bytes=100 * 10 * GIB), limits, 2 * GIB)
    assert limits.bytes_free(QuotaUsage(recordings=10_000, bytes=100 * GIB)) is None
    with pytest.raises(QuotaExceeded):
        check_room(
            QuotaUsage(recordings=1, bytes=0), QuotaLimits.from_settings(Settings(quota_recordings=1)), 1
        )


def test_quota_exceeded_by_count_names_the_limit_and_the_use() -> None:
    with pytest.raises(QuotaExceeded) as refused:
        check_room(QuotaUsage(recordings=20, bytes=GIB), LIMITS, 1000)
    assert "can keep 20 recordings and already has 20" in refused.value.user_message
    assert refused.value.status_code == 403


def test_quota_exceeded_by_bytes_names_the_limit_the_use_and_the_size() -> None:
    with pytest.raises(QuotaExceeded) as refused:
        check_room(QuotaUsage(recordings=3, bytes=9 * GIB), LIMITS, 2 * GIB)
    assert refused.value.user_message.startswith(
        "This recording (2 GB) does not fit in your 10 GB of storage: you use 9 GB, 1 GB are free."
    )


def test_a_deferred_length_is_refused_only_when_nothing_is_free() -> None:
    check_room(QuotaUsage(recordings=3, bytes=10 * GIB - 1), LIMITS, None)
    with pytest.raises(QuotaExceeded, match="storage quota"):
        check_room(QuotaUsage(recordings=3, bytes=10 * GIB), LIMITS, None)


def test_the_last_free_byte_and_the_last_free_recording_can_be_used() -> None:
    check_room(QuotaUsage(recordings=19, bytes=9 * GIB), LIMITS, GIB)


def test_without_takes_one_upload_out_of_the_usage() -> None:
    assert QuotaUsage(recordings=3, bytes=500).without(200) == QuotaUsage(recordings=2, bytes=300)


def test_quota_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IB_QUOTA_RECORDINGS", "5")
    monkeypatch.setenv("IB_QUOTA_BYTES", str(GIB))
    assert QuotaLimits.from_settings(Settings()) == QuotaLimits(recordings=5, bytes=GIB)
    assert QuotaLimits.from_settings(Settings(**PRODUCTION)) == QuotaLimits(recordings=5, bytes=GIB)
