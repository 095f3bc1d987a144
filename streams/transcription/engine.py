"""The speech-engine contract: 16 kHz mono float32 audio in, segments with word times out."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from streams.transcription.segments import RecognizedSegment


class SpeechEngine(Protocol):
    name: str

    def recognize(self, audio: np.ndarray, offset: float) -> list[RecognizedSegment]:
        """Segments of `audio` with times already shifted by `offset` seconds."""
        ...
