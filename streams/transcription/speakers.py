"""Speaker labels for an engine that gives none (faster-whisper), from the voices in the audio.

A recognized segment can hold more than one voice (Whisper runs a question and its answer
together), so the unit labelled is a *stretch*: the words of a segment up to a sentence end
or a pause. The pool worker, which has the piece's audio, turns each stretch into a voice
vector (:func:`piece_voices`); the service, which sees the recording's pieces in order,
labels them with one :class:`SpeakerClusters` per recording and cuts segments where the
speaker changes (:func:`labelled_segments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from streams.transcription.segments import RecognizedSegment, Word, segment_from_words
from streams.transcription.speaker_clusters import Label, Voice
from streams.transcription.voices import VoiceFrames

#: A silence between two words at least this long may be where one speaker hands over.
STRETCH_PAUSE_SECONDS = 0.5
SENTENCE_ENDS = (".", "?", "!")


def stretches_of(segment: RecognizedSegment) -> list[list[Word]]:
    """The segment's words cut after each sentence end and at each long pause."""
    stretches: list[list[Word]] = []
    current: list[Word] = []
    for word in segment.words:
        if current and word.start - current[-1].end >= STRETCH_PAUSE_SECONDS:
            stretches.append(current)
            current = []
        current.append(word)
        if word.word.endswith(SENTENCE_ENDS):
            stretches.append(current)
            current = []
    if current:
        stretches.append(current)
    return stretches


def piece_voices(
    audio: np.ndarray, offset: float, segments: Sequence[RecognizedSegment]
) -> list[list[Voice]]:
    """Per segment, the voice of each of its stretches; ``offset`` is where the piece starts."""
    frames = VoiceFrames.of(audio)
    voices: list[list[Voice]] = []
    for segment in segments:
        per_segment = []
        for words in stretches_of(segment):
            start, end = words[0].start - offset, words[-1].end - offset
            per_segment.append(Voice(frames.vector(start, end), frames.voiced_seconds(start, end)))
        voices.append(per_segment)
    return voices


def labelled_segments(
    segment: RecognizedSegment, voices: Sequence[Voice], labels: Sequence[Label]
) -> list[RecognizedSegment]:
    """The segment cut where its stretches' speakers change, each part with its speaker and
    a confidence (the stretches' confidences weighted by their voiced seconds)."""
    stretches = stretches_of(segment)
    if len(stretches) != len(labels):
        raise ValueError(f"{len(labels)} labels for {len(stretches)} stretches")
    parts: list[tuple[Label, list[Word], list[tuple[float, float]]]] = []
    for words, voice, label in zip(stretches, voices, labels, strict=True):
        weight = (max(voice.voiced_seconds, 0.01), label.confidence or 0.0)
        if parts and parts[-1][0].speaker == label.speaker:
            parts[-1][1].extend(words)
            parts[-1][2].append(weight)
        else:
            parts.append((label, list(words), [weight]))
    if len(parts) == 1 and parts[0][0].speaker is None:
        return [segment]
    result = []
    for label, words, weights in parts:
        total = sum(seconds for seconds, _ in weights)
        confidence = sum(seconds * value for seconds, value in weights) / total
        part = segment_from_words(words, segment.language)
        rounded = round(confidence, 3) if label.speaker else None
        result.append(replace(part, speaker=label.speaker, speaker_confidence=rounded))
    return result
