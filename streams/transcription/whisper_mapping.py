"""Pure mapping from faster-whisper's output to our segments, with the hallucination filters.

Kept apart from the model so the rules (which segments to trust, how words get absolute
times, which re-checked words to keep) are tested without loading a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from streams.transcription.repetition import drop_hallucinated_repeats, normalize
from streams.transcription.segments import RecognizedSegment, Word, segment_from_words

FILLERS = frozenset({"um", "uh", "umm", "uhm", "hmm", "hm", "mm", "er", "erm", "ah", "eh"})
# Whisper's own rule for "this window is silence": confident no-speech and an unsure decode.
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
# Below this average log-probability the text is a guess whatever no_speech_prob says.
GARBAGE_LOGPROB = -1.6
# Whisper's stock phrases on trailing silence ("Thank you.") come squeezed into a sliver of
# audio with a word it is unsure of; real speech takes longer than this per word.
SQUEEZED_SECONDS_PER_WORD = 0.1
UNSURE_WORD_CONFIDENCE = 0.3
# The same phrase on the seam between two answers: a word Whisper all but says is not there
# and a word with no audio at all (start == end), in a segment of a few words.
STOCK_PHRASE_MAX_WORDS = 3
ABSENT_WORD_CONFIDENCE = 0.1
SILENT_WORD_SECONDS = 0.02


class WhisperWord(Protocol):
    word: str
    start: float
    end: float
    probability: float


class WhisperSegment(Protocol):
    avg_logprob: float
    no_speech_prob: float
    words: Sequence[WhisperWord] | None


def is_trustworthy(segment: WhisperSegment) -> bool:
    if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB:
        return False
    return segment.avg_logprob >= GARBAGE_LOGPROB


def is_squeezed(words: Sequence[Word]) -> bool:
    """Words with almost no audio under them, one of them a guess: not speech."""
    span = words[-1].end - words[0].start
    unsure = any(word.confidence < UNSURE_WORD_CONFIDENCE for word in words)
    if unsure and span < SQUEEZED_SECONDS_PER_WORD * len(words):
        return True
    return (
        len(words) <= STOCK_PHRASE_MAX_WORDS
        and any(word.confidence < ABSENT_WORD_CONFIDENCE for word in words)
        and any(word.end - word.start < SILENT_WORD_SECONDS for word in words)
    )


def words_of(segment: WhisperSegment, offset: float) -> list[Word]:
    return [
        part
        for w in (segment.words or [])
        # A "word" of punctuation alone (Whisper emits a bare "." now and then) is no speech.
        if any(character.isalnum() for character in w.word)
        for part in split_fused(
            Word(
                word=w.word.strip(),
                start=round(w.start + offset, 3),
                end=round(w.end + offset, 3),
                confidence=round(float(w.probability), 4),
            )
        )
    ]


#: Where Whisper wrote two words as one across an ellipsis ("and...like..."): after the
#: ellipsis, before the next word's first letter.
_FUSED_AT = re.compile(r"(?<=\w\.\.\.)(?=\w)|(?<=\w\u2026)(?=\w)")


def split_fused(word: Word) -> list[Word]:
    """``word`` as the words it holds: "and...like..." is two, each counted for the pace and
    read for fillers; their times share the span by length, their confidence is the word's."""
    parts = _FUSED_AT.split(word.word)
    if len(parts) == 1:
        return [word]
    total = sum(len(part) for part in parts)
    words, start = [], word.start
    for index, part in enumerate(parts):
        end = (
            word.end
            if index == len(parts) - 1
            else round(start + (word.end - word.start) * len(part) / total, 3)
        )
        words.append(Word(part, start, end, word.confidence))
        start = end
    return words


def map_segments(
    segments: Iterable[WhisperSegment], offset: float, language: str | None
) -> list[RecognizedSegment]:
    """Trusted segments, shifted to the recording's timeline, with loops removed."""
    result: list[RecognizedSegment] = []
    for segment in segments:
        if not is_trustworthy(segment):
            continue
        words = drop_hallucinated_repeats(words_of(segment, offset))
        if words and not is_squeezed(words):
            result.append(segment_from_words(words, language))
    return result


@dataclass(frozen=True)
class Gap:
    start: float  # seconds within the piece
    end: float


def word_gaps(words: Sequence[Word], piece_end: float, min_gap: float) -> list[Gap]:
    """Stretches of at least `min_gap` seconds with no word, including before the first and after the last."""
    gaps: list[Gap] = []
    cursor = 0.0
    for word in words:
        if word.start - cursor >= min_gap:
            gaps.append(Gap(cursor, word.start))
        cursor = max(cursor, word.end)
    if piece_end - cursor >= min_gap:
        gaps.append(Gap(cursor, piece_end))
    return gaps


def keep_rechecked(words: Sequence[Word], gap: Gap, skipped_speech_seconds: float) -> list[Word]:
    """Words re-heard in a gap that we accept.

    A short gap can only hide a filled pause, so only fillers are taken from it. A long
    voiced gap may be speech Whisper skipped: what it now hears is taken only if it holds a
    word that is not a filler. A long gap heard as fillers alone is the pause around a
    filler already transcribed, whose timing Whisper placed loosely; taking it would write
    that filler twice (the real clip mfa_uh.wav became "uh, uh, uh").
    """
    inside = [w for w in words if w.start >= gap.start - 0.1 and w.end <= gap.end + 0.1]
    fillers = [w for w in inside if normalize(w.word) in FILLERS]
    if gap.end - gap.start < skipped_speech_seconds:
        return drop_hallucinated_repeats(fillers)
    if len(fillers) == len(inside):
        return []
    return drop_hallucinated_repeats(inside)


def merge_words(segments: list[RecognizedSegment], extra: Sequence[Word]) -> list[RecognizedSegment]:
    """Adds re-heard words to the segment they fall in (or a new one), keeping time order."""
    if not extra:
        return segments
    pending = sorted(extra, key=lambda w: w.start)
    merged: list[RecognizedSegment] = []
    for segment in segments:
        inside = [w for w in pending if w.start < segment.end]
        pending = [w for w in pending if w.start >= segment.end]
        if inside:
            words = sorted([*segment.words, *inside], key=lambda w: w.start)
            merged.append(segment_from_words(words, segment.language))
        else:
            merged.append(segment)
    if pending:
        language = segments[-1].language if segments else None
        merged.append(segment_from_words(list(pending), language))
    return merged
