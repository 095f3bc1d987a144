"""Speech-to-text for uploaded interviews: decode with PyAV, recognize piece by piece in a process pool."""

from streams.transcription.engine import SpeechEngine
from streams.transcription.errors import (
    EmptyRecordingError,
    MediaError,
    NoAudioTrackError,
    NoSpeechError,
    NotMediaError,
    RecognizerCrashedError,
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
    "RecognizerCrashedError",
    "SpeechEngine",
    "SpeechModelError",
    "TranscriptionService",
    "TranscriptionSettings",
    "TruncatedMediaError",
    "Word",
]
