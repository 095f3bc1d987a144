from streams.transcription.repetition import drop_hallucinated_repeats
from streams.transcription.segments import Word


def words(spec: list[tuple[str, float, float]]) -> list[Word]:
    return [Word(text, start, end, 0.9) for text, start, end in spec]


def texts(result: list[Word]) -> list[str]:
    return [w.word for w in result]


def test_whisper_loop_on_uh_is_cut_to_the_uhs_the_audio_holds() -> None:
    # Timings as faster-whisper gave them for mfa_uhuh.wav (six real "uh"s), loop squeezed at the end.
    spoken = [(1.92, 2.0), (2.4, 2.78), (3.22, 3.42), (4.12, 4.62), (4.62, 4.82), (5.34, 5.54)]
    squeezed = [(5.66, 5.66)] * 40 + [(5.76, 5.76)] * 60
    loop = words(
        [("Montreal,", 0.9, 1.3)] + [("uh,", s, e) for s, e in spoken + squeezed] + [("liner.", 5.76, 5.98)]
    )
    result = texts(drop_hallucinated_repeats(loop))
    assert result.count("uh,") == 6
    assert result[0] == "Montreal," and result[-1] == "liner."


def test_real_repetitions_with_room_to_breathe_are_kept() -> None:
    spoken = words([("no,", 0.0, 0.3), ("no,", 0.5, 0.8), ("no.", 1.0, 1.3)])
    assert texts(drop_hallucinated_repeats(spoken)) == ["no,", "no,", "no."]


def test_same_word_run_never_exceeds_the_hard_cap() -> None:
    long_run = words([("uh", i * 0.5, i * 0.5 + 0.3) for i in range(30)])
    assert len(drop_hallucinated_repeats(long_run)) == 8


def test_looping_phrase_is_cut_to_three() -> None:
    phrase = []
    for i in range(10):
        phrase += [("you", i * 0.1, i * 0.1 + 0.05), ("know,", i * 0.1 + 0.05, i * 0.1 + 0.1)]
    result = texts(drop_hallucinated_repeats(words(phrase)))
    assert len(result) <= 6
    assert result[:2] == ["you", "know,"]


def test_ordinary_sentence_is_untouched() -> None:
    sentence = words(
        [
            (w, i * 0.3, i * 0.3 + 0.25)
            for i, w in enumerate(["I", "think", "that", "that", "was", "the", "right", "call"])
        ]
    )
    assert drop_hallucinated_repeats(sentence) == sentence
