"""Transcriber settings, read once per process from ``IB_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.transcription.speaker_clusters import (
    DEFAULT_MAX_SPEAKERS,
    DEFAULT_MIN_VOICED_SECONDS,
    DEFAULT_THRESHOLD,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


class TranscriptionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    asr_engine: Literal["whisper", "azure"] = "whisper"
    # Any faster-whisper (CTranslate2) model directory; None = the model shipped on PyPI,
    # assembled once under whisper_cache_dir.
    whisper_model_dir: Path | None = None
    whisper_cache_dir: Path = REPO_ROOT / ".cache" / "models" / "whisper-base"
    whisper_compute_type: str = "int8"
    whisper_beam_size: int = Field(default=5, ge=1)
    asr_threads: int = Field(default=2, ge=1)
    asr_workers: int = Field(default=1, ge=1)
    language: str | None = "en"
    # Pieces are cut at the quietest point of the last `piece_search_seconds` before
    # `piece_seconds`: short enough for flat memory and frequent progress, long enough to
    # give Whisper context (its window is 30 s).
    piece_seconds: float = Field(default=30.0, gt=2.0, le=30.0)
    piece_search_seconds: float = Field(default=8.0, gt=0.0)
    # A filled pause ("um") shorter than this is not searched for in word gaps.
    filler_gap_seconds: float = Field(default=0.3, gt=0.0)
    # Voiced audio at least this long with no words is transcribed again on its own.
    skipped_speech_seconds: float = Field(default=1.0, gt=0.0)
    # Off by default: on synthetic speech it added more false "um"s than it recovered (see report).
    recheck_gaps: bool = False
    # Voiced stretches of at least skipped_speech_seconds with no words are heard again on
    # their own: Whisper sometimes skips a whole sentence silently (a synthetic answer lost
    # 16 of 106 words). What is re-heard counts only when it holds more than fillers, which
    # keeps the real clips in shared/eval at WER 0.137 (`python -m bench.real_recordings`).
    recheck_skipped_speech: bool = True

    # Speaker labels from voice features for an engine that gives none (faster-whisper):
    # each sentence or pause-bounded stretch joins the nearest voice heard so far, or opens a
    # new one beyond `speaker_threshold` (at most `max_speakers`); stretches with less than
    # `speaker_min_voiced_seconds` of voiced audio take a neighbour's label.
    speaker_split: bool = True
    speaker_threshold: float = Field(default=DEFAULT_THRESHOLD, gt=0.0)
    max_speakers: int = Field(default=DEFAULT_MAX_SPEAKERS, ge=1)
    speaker_min_voiced_seconds: float = Field(default=DEFAULT_MIN_VOICED_SECONDS, ge=0.0)

    azure_speech_key: SecretStr | None = None
    azure_speech_region: str | None = None
    # Instead of the region, for a sovereign cloud or a local Speech container: either a host
    # ("ws://localhost:5000", "wss://chinaeast2.stt.speech.azure.cn"), to which the SDK adds
    # the recognition path, or a full endpoint URL with its path, used as given.
    azure_speech_endpoint: str | None = None

    @model_validator(mode="after")
    def _check(self) -> TranscriptionSettings:
        if self.piece_search_seconds >= self.piece_seconds:
            raise ValueError("piece_search_seconds must be shorter than piece_seconds")
        # A local container needs no key; the cloud needs a key and where to find it.
        azure_reachable = self.azure_speech_endpoint or (self.azure_speech_key and self.azure_speech_region)
        if self.asr_engine == "azure" and not azure_reachable:
            raise ValueError(
                "IB_ASR_ENGINE=azure needs IB_AZURE_SPEECH_KEY and IB_AZURE_SPEECH_REGION "
                "(or IB_AZURE_SPEECH_ENDPOINT for a sovereign cloud or a local Speech container)"
            )
        return self
