"""Who is speaking, one stretch at a time: online clustering of voice vectors.

The transcript streams out piece by piece, and a label once given is not taken back, so
the speakers are found as they come: each stretch of speech joins the nearest speaker's
centroid, or opens a new speaker when it is farther than ``threshold`` from all of them
(up to ``max_speakers``). Stretches with too little voiced audio to say anything about the
voice do not move the centroids; they take the label of a neighbouring stretch (the one
whose speaker sounds closest) or, alone in their piece, the last label given.

Every label carries a confidence in 0..1: how much nearer the chosen speaker is than the
next best (0.5 is a tie), or for a new speaker how far beyond the threshold it lies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Tuned on synthetic two-voice interviews and real recordings (bench/speaker_split.py).
DEFAULT_THRESHOLD = 4.0
DEFAULT_MAX_SPEAKERS = 4
DEFAULT_MIN_VOICED_SECONDS = 1.0
#: A label borrowed from a neighbour is less sure than the neighbour's own.
BORROWED_CONFIDENCE = 0.75


@dataclass(frozen=True)
class Voice:
    """A stretch of speech to label: its voice vector (None when nothing in it is voiced)."""

    vector: np.ndarray | None
    voiced_seconds: float


@dataclass(frozen=True)
class Label:
    speaker: str | None
    confidence: float | None


NO_LABEL = Label(None, None)


class SpeakerClusters:
    """The speakers of one recording so far; feed it the recording's pieces in order."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        max_speakers: int = DEFAULT_MAX_SPEAKERS,
        min_voiced_seconds: float = DEFAULT_MIN_VOICED_SECONDS,
    ) -> None:
        self.threshold = threshold
        self.max_speakers = max_speakers
        self.min_voiced_seconds = min_voiced_seconds
        self._centroids: list[np.ndarray] = []
        self._weights: list[float] = []
        self._last = NO_LABEL

    @property
    def speaker_count(self) -> int:
        return len(self._centroids)

    def label(self, voices: Sequence[Voice]) -> list[Label]:
        """Labels for one piece's stretches, in order."""
        labels: list[Label | None] = [None] * len(voices)
        for index, voice in enumerate(voices):
            if voice.vector is not None and voice.voiced_seconds >= self.min_voiced_seconds:
                labels[index] = self._assign(voice.vector, voice.voiced_seconds)
        for index, voice in enumerate(voices):
            if labels[index] is None:
                labels[index] = self._borrow(voice, labels, index)
        result = [label or NO_LABEL for label in labels]
        if result:
            self._last = result[-1]
        return result

    def _distances(self, vector: np.ndarray) -> np.ndarray:
        return np.array([float(np.linalg.norm(vector - c)) for c in self._centroids])

    def _assign(self, vector: np.ndarray, weight: float) -> Label:
        if not self._centroids:
            return self._open(vector, weight, confidence=1.0)
        distances = self._distances(vector)
        order = np.argsort(distances)
        nearest = float(distances[order[0]])
        if nearest > self.threshold and len(self._centroids) < self.max_speakers:
            return self._open(vector, weight, confidence=1.0 - self.threshold / (2.0 * nearest))
        best = int(order[0])
        if len(order) > 1:
            second = float(distances[order[1]])
            confidence = second / (nearest + second) if nearest + second > 0 else 0.5
        else:
            confidence = 1.0 - nearest / (2.0 * self.threshold)
        total = self._weights[best] + weight
        self._centroids[best] = (self._centroids[best] * self._weights[best] + vector * weight) / total
        self._weights[best] = total
        return Label(_name(best), _clip(confidence))

    def _open(self, vector: np.ndarray, weight: float, confidence: float) -> Label:
        self._centroids.append(vector.astype(np.float64))
        self._weights.append(weight)
        return Label(_name(len(self._centroids) - 1), _clip(confidence))

    def _borrow(self, voice: Voice, labels: Sequence[Label | None], index: int) -> Label:
        before = next((labels[i] for i in range(index - 1, -1, -1) if labels[i] is not None), None)
        after = next((labels[i] for i in range(index + 1, len(labels)) if labels[i] is not None), None)
        candidates = [label for label in (before, after) if label is not None and label.speaker]
        if not candidates:
            candidates = [self._last] if self._last.speaker else []
        if not candidates:
            return NO_LABEL
        chosen = candidates[0]
        if (
            len(candidates) > 1
            and candidates[0].speaker != candidates[1].speaker
            and voice.vector is not None
        ):
            distances = self._distances(voice.vector)
            chosen = min(candidates, key=lambda label: distances[_index(label.speaker)])
        return Label(chosen.speaker, _clip((chosen.confidence or 0.0) * BORROWED_CONFIDENCE))


def _name(index: int) -> str:
    return f"S{index + 1}"


def _index(name: str | None) -> int:
    return int(str(name)[1:]) - 1


def _clip(confidence: float) -> float:
    return round(min(max(confidence, 0.0), 1.0), 3)
