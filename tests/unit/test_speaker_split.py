"""The speaker split around the clustering: stretches, cutting segments where the voice
changes, the voice vector of a signal, and how turns and warnings follow its confidence."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from analysis.content_section import SPEAKERS_GUESSED, SPEAKERS_UNCERTAIN
from analysis.document import build_analysis
from analysis.turns import fold_segment
from streams.transcription.segments import Word, segment_from_words
from streams.transcription.speaker_clusters import Label, Voice
from streams.transcription.speakers import labelled_segments, stretches_of
from streams.transcription.voices import SAMPLE_RATE, VoiceFrames
from tests.unit.test_content_section import final_metrics, speech, three_answers
from tests.unit.test_turn_tracking import SCRIPT, segments


def words(*timed: tuple[str, float, float]) -> list[Word]:
    return [Word(text, start, end, 0.9) for text, start, end in timed]


SEGMENT = segment_from_words(
    words(
        ("How", 0.0, 0.2),
        ("would", 0.2, 0.4),
        ("you?", 0.4, 0.6),
        ("I", 1.0, 1.1),
        ("would", 1.1, 1.3),
        ("plan", 2.2, 2.5),  # after a 0.9-s pause
        ("first.", 2.5, 2.9),
    ),
    "en",
)


def test_stretches_end_at_sentence_ends_and_long_pauses() -> None:
    stretches = stretches_of(SEGMENT)
    assert [[w.word for w in stretch] for stretch in stretches] == [
        ["How", "would", "you?"],
        ["I", "would"],
        ["plan", "first."],
    ]


def test_a_segment_is_cut_where_the_speaker_changes() -> None:
    voices = [Voice(None, 0.5), Voice(None, 0.2), Voice(None, 0.6)]
    labels = [Label("S1", 0.9), Label("S2", 0.6), Label("S2", 0.8)]
    question, answer = labelled_segments(SEGMENT, voices, labels)
    assert (question.text, question.speaker, question.speaker_confidence) == ("How would you?", "S1", 0.9)
    assert (answer.text, answer.speaker) == ("I would plan first.", "S2")
    assert answer.speaker_confidence == pytest.approx((0.2 * 0.6 + 0.6 * 0.8) / 0.8, abs=1e-3)
    assert (answer.start, answer.end) == (1.0, 2.9)


def test_a_segment_with_no_speaker_found_is_left_as_it_is() -> None:
    voices = [Voice(None, 0.0)] * 3
    labels = [Label(None, None)] * 3
    assert labelled_segments(SEGMENT, voices, labels) == [SEGMENT]


def voiced(frequency: float, seconds: float = 2.0) -> np.ndarray:
    """A buzz with harmonics, like a held vowel, at ``frequency`` Hz."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    signal = sum(np.sin(2 * np.pi * frequency * k * t) / k for k in range(1, 12))
    return (0.1 * signal).astype(np.float32)


@pytest.mark.parametrize("frequency", [100.0, 190.0, 260.0])
def test_pitch_is_found_within_a_semitone(frequency: float) -> None:
    frames = VoiceFrames.of(np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), voiced(frequency)]))
    heard = 55.0 * 2 ** (np.nanmedian(frames.pitch) / 12)
    assert abs(12 * np.log2(heard / frequency)) < 1.0
    assert frames.voiced_seconds(0.5, 2.5) == pytest.approx(2.0, abs=0.1)


def test_a_low_and_a_high_voice_are_far_apart_and_silence_has_no_voice() -> None:
    audio = np.concatenate([voiced(100.0), np.zeros(SAMPLE_RATE, np.float32), voiced(190.0)])
    frames = VoiceFrames.of(audio)
    low, high = frames.vector(0.0, 2.0), frames.vector(3.0, 5.0)
    assert low is not None and high is not None
    assert float(np.linalg.norm(low - high)) > 8.0
    assert frames.vector(2.2, 2.8) is None


def labelled(speakers: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """The turn-tracking script, its lines alternately spoken by the given speakers."""
    return [
        {**segment, "speaker": speakers[i % 2][0], "speaker_confidence": speakers[i % 2][1]}
        for i, segment in enumerate(segments(SCRIPT))
    ]


def folded_end(parts: list[dict[str, Any]]) -> tuple[bool, bool]:
    state = None
    for segment in parts:
        folded = fold_segment(state, segment)
        state = folded.state
    return folded.speakers_known, folded.speakers_uncertain


def test_turns_carry_who_asked_and_who_answered() -> None:
    state, turns = None, []
    for segment in labelled([("S1", 0.9), ("S2", 0.85)]):
        folded = fold_segment(state, segment)
        state, turns = folded.state, turns + folded.turns
    assert turns and all(t["speakers_known"] for t in turns)
    assert {(t["asker"], t["answerer"]) for t in turns} == {("S1", "S2")}


def test_unsure_labels_do_not_say_who_asked_and_the_end_says_why() -> None:
    state, turns = None, []
    for segment in labelled([("S1", 0.55), ("S2", 0.6)]):
        folded = fold_segment(state, segment)
        state, turns = folded.state, turns + folded.turns
    assert turns and all(t["speakers_uncertain"] and not t["speakers_known"] for t in turns)
    assert {(t["asker"], t["answerer"]) for t in turns} == {(None, None)}
    assert folded.speakers_uncertain


def test_sure_labels_are_followed_and_unsure_ones_are_not() -> None:
    assert folded_end(labelled([("S1", 0.9), ("S2", 0.85)])) == (True, False)
    assert folded_end(labelled([("S1", 0.55), ("S2", 0.6)])) == (False, True)
    # Speakers the engine named itself (Azure) carry no confidence: they are sure.
    assert folded_end(labelled([("Guest-1", None), ("Guest-2", None)])) == (True, False)  # type: ignore[list-item]
    assert folded_end(labelled([("S1", 0.5), ("S1", 0.5)])) == (False, False), "one speaker is no split"


def warnings_with(**end_fields: Any) -> list[str]:
    answers = three_answers()
    end = {"kind": "END", "turn_index": len(answers), "speakers_known": False, **end_fields}
    analysis = build_analysis(
        final_metrics(120.0), speech(250, 100.0), completed_at_ms=0, answers=answers, turns_end=end
    )
    json.dumps(analysis)
    return list(analysis["warnings"])


def test_unsure_speakers_are_warned_about_in_the_analysis() -> None:
    unsure = warnings_with(speakers_uncertain=True)
    assert SPEAKERS_UNCERTAIN in unsure and SPEAKERS_GUESSED not in unsure
    assert "several speakers, low confidence in who is who" in SPEAKERS_UNCERTAIN.lower()
    guessed = warnings_with()
    assert SPEAKERS_GUESSED in guessed and SPEAKERS_UNCERTAIN not in guessed
    assert SPEAKERS_GUESSED not in warnings_with(speakers_known=True)
