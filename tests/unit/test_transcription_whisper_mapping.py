from dataclasses import dataclass, field

from streams.transcription.segments import RecognizedSegment, Word, shift_segment
from streams.transcription.whisper_mapping import Gap, keep_rechecked, map_segments, merge_words, word_gaps


@dataclass
class FakeWord:
    word: str
    start: float
    end: float
    probability: float


@dataclass
class FakeSegment:
    words: list[FakeWord]
    avg_logprob: float = -0.2
    no_speech_prob: float = 0.05
    compression_ratio: float = 1.3
    text: str = field(default="")


def test_words_get_absolute_times_and_segment_text_comes_from_words() -> None:
    raw = [FakeSegment([FakeWord(" Um,", 0.5, 0.7, 0.6), FakeWord(" hello.", 0.9, 1.2, 0.9)])]
    [segment] = map_segments(raw, offset=60.0, language="en")
    assert segment.text == "Um, hello."
    assert (segment.start, segment.end) == (60.5, 61.2)
    assert [(w.start, w.end) for w in segment.words] == [(60.5, 60.7), (60.9, 61.2)]
    assert segment.confidence == 0.75
    assert segment.language == "en"


def test_silence_hallucination_is_dropped() -> None:
    thanks = FakeSegment(
        [FakeWord(" Thank", 0, 0.3, 0.2), FakeWord(" you.", 0.3, 0.5, 0.2)],
        avg_logprob=-1.2,
        no_speech_prob=0.9,
    )
    garbage = FakeSegment([FakeWord(" la", 1, 2, 0.1)], avg_logprob=-2.5, no_speech_prob=0.1)
    assert map_segments([thanks, garbage], 0.0, "en") == []


def test_stock_phrase_squeezed_onto_trailing_silence_is_dropped() -> None:
    """Seen on a synthetic answer: "Thank you." in 0.16 s after the last word, one word a guess."""
    speech = FakeSegment([FakeWord(" every", 41.27, 41.71, 0.99), FakeWord(" week.", 41.71, 42.15, 0.99)])
    thanks = FakeSegment([FakeWord(" Thank", 42.15, 42.31, 0.01), FakeWord(" you.", 42.31, 42.31, 0.95)])
    assert [segment.text for segment in map_segments([speech, thanks], 0.0, "en")] == ["every week."]


def test_stock_phrase_on_the_seam_between_two_answers_is_dropped() -> None:
    """Seen on the crash test's long recording (answers laid end to end), twice in one
    transcript: "Thank you." over 0.32 s, "Thank" at 0.0078 and "you." with no audio at all."""
    speech = FakeSegment(
        [FakeWord(" event", 163.31, 163.75, 0.61), FakeWord(" streaming.", 163.75, 164.37, 0.81)]
    )
    thanks = FakeSegment(
        [FakeWord(" Thank", 164.37, 164.69, 0.0078), FakeWord(" you.", 164.69, 164.69, 0.96)]
    )
    assert [segment.text for segment in map_segments([speech, thanks], 0.0, "en")] == ["event streaming."]


def test_a_thank_you_that_was_said_is_kept() -> None:
    said = FakeSegment([FakeWord(" Thank", 80.0, 80.3, 0.93), FakeWord(" you.", 80.3, 80.6, 0.97)])
    unsure_but_spoken = FakeSegment(
        [FakeWord(" Thanks", 90.0, 90.4, 0.08), FakeWord(" again.", 90.4, 90.8, 0.9)]
    )
    assert [s.text for s in map_segments([said, unsure_but_spoken], 0.0, "en")] == [
        "Thank you.",
        "Thanks again.",
    ]


def test_a_bare_punctuation_word_is_not_a_segment() -> None:
    """Seen on a long recording: a segment whose only "word" was "." (twice in one transcript)."""
    stray = FakeSegment([FakeWord(".", 108.79, 108.99, 0.4)])
    speech = FakeSegment([FakeWord(" Then", 109.5, 109.8, 0.9), FakeWord(" we", 109.8, 110.0, 0.9)])
    assert [segment.text for segment in map_segments([stray, speech], 0.0, "en")] == ["Then we"]


def test_short_real_words_are_kept_even_when_unsure() -> None:
    """A quick "Yes, um." spoken at normal speed is not squeezed, whatever its confidence."""
    reply = FakeSegment([FakeWord(" Yes,", 3.0, 3.3, 0.9), FakeWord(" um.", 3.4, 3.7, 0.2)])
    assert [segment.text for segment in map_segments([reply], 0.0, "en")] == ["Yes, um."]


def test_shift_segment_moves_every_time() -> None:
    segment = RecognizedSegment(1.0, 2.0, "hi", (Word("hi", 1.0, 2.0, 1.0),), 1.0, "en")
    moved = shift_segment(segment, 30.0)
    assert (moved.start, moved.end, moved.words[0].start, moved.words[0].end) == (31.0, 32.0, 31.0, 32.0)


def test_gaps_include_edges_and_skip_short_ones() -> None:
    words = [Word("a", 1.0, 1.2, 1), Word("b", 1.3, 1.5, 1), Word("c", 2.5, 2.7, 1)]
    assert word_gaps(words, piece_end=3.1, min_gap=0.3) == [Gap(0.0, 1.0), Gap(1.5, 2.5), Gap(2.7, 3.1)]


def test_short_gap_only_yields_fillers_long_gap_yields_everything() -> None:
    heard = [Word("um,", 0.1, 0.3, 0.8), Word("thanks", 0.35, 0.5, 0.5)]
    assert [w.word for w in keep_rechecked(heard, Gap(0.0, 0.6), skipped_speech_seconds=1.0)] == ["um,"]
    assert [w.word for w in keep_rechecked(heard, Gap(0.0, 2.0), skipped_speech_seconds=1.0)] == [
        "um,",
        "thanks",
    ]


def test_long_gap_heard_as_fillers_alone_adds_nothing() -> None:
    # The pause around an "uh" already transcribed, heard again: the "uh" would be counted twice.
    heard = [Word("Uh,", 0.2, 0.5, 0.7), Word("uh.", 0.9, 1.2, 0.6)]
    assert keep_rechecked(heard, Gap(0.0, 2.0), skipped_speech_seconds=1.0) == []


def test_merged_words_stay_in_time_order() -> None:
    segment = RecognizedSegment(
        0.0, 2.0, "so I", (Word("so", 0.0, 0.3, 1), Word("I", 1.5, 2.0, 1)), 1.0, "en"
    )
    [merged, extra] = merge_words([segment], [Word("uh,", 0.6, 0.9, 0.5), Word("yes", 3.0, 3.2, 0.5)])
    assert merged.text == "so uh, I"
    assert extra.text == "yes"


def test_two_words_written_as_one_across_an_ellipsis_are_two_words() -> None:
    """Seen in the demo's transcript: "and...like..." as one word, so the filler "like" was
    not counted and the pace was a word short."""
    fused = FakeSegment([FakeWord(" first,", 9.0, 9.4, 0.9), FakeWord(" and...like...", 9.6, 10.9, 0.8)])
    (segment,) = map_segments([fused], 0.0, "en")
    assert [(w.word, w.start, w.end) for w in segment.words] == [
        ("first,", 9.0, 9.4),
        ("and...", 9.6, 10.2),
        ("like...", 10.2, 10.9),
    ]
    assert segment.text == "first, and... like..."
    assert [
        (w.word) for w in map_segments([FakeSegment([FakeWord(" U.S.", 1.0, 1.4, 0.9)])], 0.0, "en")[0].words
    ] == ["U.S."]
