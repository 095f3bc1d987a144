"""What runs inside the pool's worker process: the engine, loaded once, and one piece at a time.

Each call is stateless (file path + where to start), so any worker can take any piece and a
cancelled transcription leaves nothing behind in the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streams.transcription.decoding import SAMPLE_RATE, read_window
from streams.transcription.engine import SpeechEngine
from streams.transcription.errors import SpeechModelError
from streams.transcription.pieces import choose_cut
from streams.transcription.segments import RecognizedSegment
from streams.transcription.settings import TranscriptionSettings

_engine: SpeechEngine | None = None
_settings: TranscriptionSettings | None = None


def build_engine(settings: TranscriptionSettings) -> SpeechEngine:
    if settings.asr_engine == "azure":
        # Imported only here: the Speech SDK is an optional dependency (the `azure` extra).
        try:
            from streams.transcription.azure_engine import AzureSpeechEngine
        except ImportError as exc:
            raise SpeechModelError(
                f"IB_ASR_ENGINE=azure needs the Azure Speech SDK: pip install '.[azure]' ({exc})"
            ) from exc
        return AzureSpeechEngine(settings)
    from streams.transcription.model_files import ensure_shipped_model
    from streams.transcription.whisper_engine import WhisperEngine

    model_dir = settings.whisper_model_dir or ensure_shipped_model(settings.whisper_cache_dir)
    return WhisperEngine(model_dir, settings)


def init_worker(settings: TranscriptionSettings) -> None:
    """Pool initializer: loads the model once per worker process."""
    global _engine, _settings
    _settings = settings
    _engine = build_engine(settings)


def engine_name() -> str:
    """Called once at start so a model that fails to load fails `start()`, not the first upload."""
    assert _engine is not None, "init_worker did not run"
    return _engine.name


@dataclass(frozen=True)
class PieceResult:
    segments: list[RecognizedSegment]
    start: float
    end: float
    reached_end: bool


def recognize_piece(path: Path, start: float) -> PieceResult:
    assert _engine is not None and _settings is not None, "init_worker did not run"
    window = read_window(path, start, _settings.piece_seconds)
    audio = window.samples
    if not window.reached_end:
        latest = _settings.piece_seconds
        cut = choose_cut(audio, SAMPLE_RATE, latest - _settings.piece_search_seconds, latest)
        audio = audio[:cut]
    end = start + audio.shape[0] / SAMPLE_RATE
    segments = _engine.recognize(audio, start) if audio.size else []
    return PieceResult(segments=segments, start=start, end=end, reached_end=window.reached_end)
