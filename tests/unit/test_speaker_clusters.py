"""The online speaker clustering on voice vectors: no audio, no model."""

from __future__ import annotations

import numpy as np
import pytest

from streams.transcription.speaker_clusters import Label, SpeakerClusters, Voice

RNG = np.random.default_rng(7)
LOW, HIGH = np.zeros(8), np.full(8, 3.0)  # two voices ~8.5 apart, beyond the threshold of 4


def near(centre: np.ndarray, seconds: float = 2.0, spread: float = 0.3) -> Voice:
    return Voice(centre + RNG.normal(0.0, spread, centre.shape), seconds)


def speakers(labels: list[Label]) -> list[str | None]:
    return [label.speaker for label in labels]


def test_two_voices_in_turn_get_two_labels_that_stay_across_pieces() -> None:
    clusters = SpeakerClusters(threshold=4.0)
    first = clusters.label([near(LOW), near(HIGH), near(LOW)])
    second = clusters.label([near(HIGH), near(LOW), near(HIGH)])
    assert speakers(first) == ["S1", "S2", "S1"]
    assert speakers(second) == ["S2", "S1", "S2"]
    assert clusters.speaker_count == 2
    assert all(label.confidence is not None and label.confidence > 0.7 for label in first + second)


def test_one_voice_stays_one_speaker() -> None:
    clusters = SpeakerClusters(threshold=4.0)
    labels = [label for _ in range(5) for label in clusters.label([near(LOW, spread=0.6) for _ in range(4)])]
    assert set(speakers(labels)) == {"S1"}


def test_short_stretches_take_the_nearer_neighbours_label() -> None:
    clusters = SpeakerClusters(threshold=4.0, min_voiced_seconds=1.0)
    labels = clusters.label([near(LOW), near(HIGH, seconds=0.4), near(HIGH), near(LOW, seconds=0.3)])
    # The short one between S1 and S2 sounds like S2; the last has only S2 before it.
    assert speakers(labels) == ["S1", "S2", "S2", "S2"]
    assert labels[1].confidence is not None and labels[2].confidence is not None
    assert labels[1].confidence < labels[2].confidence, "a borrowed label is less sure"


def test_a_piece_of_short_stretches_takes_the_last_label_and_none_before_any() -> None:
    clusters = SpeakerClusters(threshold=4.0)
    assert speakers(clusters.label([near(LOW, seconds=0.5)])) == [None]
    clusters.label([near(HIGH)])
    assert speakers(clusters.label([Voice(None, 0.0), near(LOW, seconds=0.2)])) == ["S1", "S1"]


def test_speakers_are_capped() -> None:
    clusters = SpeakerClusters(threshold=1.0, max_speakers=2)
    labels = clusters.label([near(np.full(8, 10.0 * i), spread=0.0) for i in range(4)])
    assert speakers(labels) == ["S1", "S2", "S2", "S2"]
    assert clusters.speaker_count == 2


def test_confidence_is_a_coin_toss_halfway_between_two_speakers() -> None:
    clusters = SpeakerClusters(threshold=4.0)
    other = np.zeros(8)
    other[0] = 6.0
    clusters.label([Voice(LOW, 2.0), Voice(other, 2.0)])
    (label,) = clusters.label([Voice(other / 2, 2.0)])
    assert label.speaker in ("S1", "S2")
    assert label.confidence == pytest.approx(0.5)


def test_a_stretch_at_the_threshold_opens_a_speaker_with_low_confidence() -> None:
    clusters = SpeakerClusters(threshold=4.0)
    clusters.label([Voice(LOW, 2.0)])
    just_beyond = np.zeros(8)
    just_beyond[0] = 4.1
    (label,) = clusters.label([Voice(just_beyond, 2.0)])
    assert label.speaker == "S2"
    assert label.confidence is not None and label.confidence < 0.55
