"""What runs inside the pool's worker process: the engine, loaded once, and one piece at a time.

Each call is stateless (file path + where to start), so any worker can take any piece and a
cancelled transcription leaves nothing behind in the worker.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from streams.transcription.decoding import SAMPLE_RATE, read_window
from streams.transcription.engine import SpeechEngine
from streams.transcription.errors import SpeechModelError
from streams.transcription.pieces import choose_cut
from streams.transcription.segments import RecognizedSegment
from streams.transcription.settings import TranscriptionSettings
from streams.transcription.speaker_clusters import Voice
from streams.transcription.speakers import piece_voices

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


#: Exit status of a pool process whose parent died: nobody is left to read it.
ORPHANED_EXIT_CODE = 70


def init_worker(settings: TranscriptionSettings) -> None:
    """Pool initializer: loads the model once per worker process."""
    global _engine, _settings
    exit_with_parent()
    _settings = settings
    _engine = build_engine(settings)


def exit_with_parent() -> None:
    """Ends this process when the one that spawned it dies, even by SIGKILL.

    A pool process waits on its call queue, whose pipe it holds both ends of, so it never
    sees its parent go and lives on as an orphan holding the model (~350 MB). The spawn start
    method hands every child a pipe whose write end only the parent holds (the parent's
    `sentinel`): it reads EOF the moment the parent is gone, whichever of its threads made
    the child (unlike PR_SET_PDEATHSIG, which fires when that *thread* ends).
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return  # not a multiprocessing child (the engine run in-process, as in tests)

    def watch() -> None:
        parent.join()
        os._exit(ORPHANED_EXIT_CODE)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


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
    # Per segment, the voice of each stretch, when the speakers are to be told apart here.
    voices: list[list[Voice]] | None = None
    recognize_seconds: float = 0.0
    voices_seconds: float = 0.0


def recognize_piece(path: Path, start: float) -> PieceResult:
    assert _engine is not None and _settings is not None, "init_worker did not run"
    window = read_window(path, start, _settings.piece_seconds)
    audio = window.samples
    if not window.reached_end:
        latest = _settings.piece_seconds
        cut = choose_cut(audio, SAMPLE_RATE, latest - _settings.piece_search_seconds, latest)
        audio = audio[:cut]
    end = start + audio.shape[0] / SAMPLE_RATE
    began = time.perf_counter()
    segments = _engine.recognize(audio, start) if audio.size else []
    recognized = time.perf_counter()
    voices = None
    # Only for the engine that names no speakers: Azure's conversation transcriber does, and
    # its labels are not to be mixed with ours.
    if _settings.speaker_split and segments and _engine.name == "whisper":
        voices = piece_voices(audio, start, segments)
    return PieceResult(
        segments=segments,
        start=start,
        end=end,
        reached_end=window.reached_end,
        voices=voices,
        recognize_seconds=recognized - began,
        voices_seconds=time.perf_counter() - recognized,
    )
