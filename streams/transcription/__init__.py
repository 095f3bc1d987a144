"""Speech-to-text for uploaded interviews: decode with PyAV, recognize piece by piece in a process pool."""

from streams.transcription.engine import SpeechEngine
from streams.transcription.errors import (
    EmptyRecordingError,
    MediaError,
    NoAudioTrackError,
    NoSpeechError,
    NotMediaError,
    SpeechModelError,
    TruncatedMediaError,
)
from streams.transcription.segments import Progress, RecognizedSegment, Word
from streams.transcription.service import TranscriptionService
from streams.transcription.settings import TranscriptionSettings

__all__ = [
    "EmptyRecordingError",
    "MediaError",
    "NoAudioTrackError",
    "NoSpeechError",
    "NotMediaError",
    "Progress",
    "RecognizedSegment",
    "SpeechEngine",
    "SpeechModelError",
    "TranscriptionService",
    "TranscriptionSettings",
    "TruncatedMediaError",
    "Word",
]
