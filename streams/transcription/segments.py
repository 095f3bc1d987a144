"""What the transcriber hands to its caller: words, segments and progress.

Plain frozen dataclasses, so they cross the process-pool boundary by pickling and can be
compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class RecognizedSegment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    confidence: float
    language: str | None
    speaker: str | None = None
    # 0..1, how sure the speaker split is of `speaker` (None when the engine named the speaker).
    speaker_confidence: float | None = None


@dataclass(frozen=True)
class Progress:
    audio_duration: float
    processed_seconds: float
    elapsed_seconds: float


def mean_confidence(words: tuple[Word, ...] | list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def segment_from_words(words: list[Word], language: str | None) -> RecognizedSegment:
    """Builds a segment whose text, times and confidence all come from its words.

    Keeping text derived from words means a word dropped by the repetition guard also
    disappears from the text the user reads.
    """
    return RecognizedSegment(
        start=words[0].start,
        end=words[-1].end,
        text=" ".join(w.word for w in words),
        words=tuple(words),
        confidence=round(mean_confidence(words), 4),
        language=language,
    )


def shift_segment(segment: RecognizedSegment, offset: float) -> RecognizedSegment:
    """Moves a segment recognized inside a piece to the recording's timeline."""
    words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words)
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)
