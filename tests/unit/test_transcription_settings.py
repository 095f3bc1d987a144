from pathlib import Path

import pytest
from pydantic import ValidationError

from streams.transcription.settings import TranscriptionSettings


def test_defaults_use_the_shipped_whisper_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IB_ASR_ENGINE", "IB_WHISPER_MODEL_DIR", "IB_ASR_THREADS", "IB_PIECE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = TranscriptionSettings()
    assert settings.asr_engine == "whisper"
    assert settings.whisper_model_dir is None
    assert settings.whisper_cache_dir.parts[-3:] == (".cache", "models", "whisper-base")
    assert settings.asr_workers == 1


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IB_WHISPER_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("IB_ASR_THREADS", "4")
    monkeypatch.setenv("IB_PIECE_SECONDS", "20")
    settings = TranscriptionSettings()
    assert (settings.whisper_model_dir, settings.asr_threads, settings.piece_seconds) == (tmp_path, 4, 20.0)


def test_azure_needs_key_and_region_and_hides_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IB_ASR_ENGINE", "azure")
    with pytest.raises(ValidationError, match="IB_AZURE_SPEECH_KEY"):
        TranscriptionSettings()
    monkeypatch.setenv("IB_AZURE_SPEECH_KEY", "secret-key-123")
    monkeypatch.setenv("IB_AZURE_SPEECH_REGION", "westeurope")
    settings = TranscriptionSettings()
    assert "secret-key-123" not in repr(settings)


def test_search_window_must_fit_in_a_piece() -> None:
    with pytest.raises(ValidationError):
        TranscriptionSettings(piece_seconds=10, piece_search_seconds=12)
