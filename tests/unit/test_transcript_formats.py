from __future__ import annotations

from dataclasses import dataclass

from gateway.transcript_formats import render, srt_timestamp, to_srt, to_txt, to_vtt, vtt_timestamp


@dataclass
class Seg:
    start: float
    end: float
    text: str
    speaker: str | None = None


SEGMENTS = [
    Seg(1.0, 3.5, "Tell me about yourself."),
    Seg(3.75, 65.0, "Um, I have five years of experience", speaker="Candidate"),
]


def test_timestamps_use_each_formats_separator() -> None:
    assert srt_timestamp(1.0) == "00:00:01,000"
    assert vtt_timestamp(1.0) == "00:00:01.000"
    assert srt_timestamp(3723.456) == "01:02:03,456"


def test_rounding_carries_into_the_next_second_instead_of_printing_60() -> None:
    assert srt_timestamp(59.9996) == "00:01:00,000"
    assert vtt_timestamp(-0.2) == "00:00:00.000"


def test_srt_numbers_cues_and_separates_them_by_blank_lines() -> None:
    assert to_srt(SEGMENTS) == (
        "1\n00:00:01,000 --> 00:00:03,500\nTell me about yourself.\n\n"
        "2\n00:00:03,750 --> 00:01:05,000\nCandidate: Um, I have five years of experience\n"
    )


def test_vtt_starts_with_the_header_and_marks_speakers() -> None:
    text = to_vtt(SEGMENTS)
    assert text.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nTell me about yourself.\n")
    assert "00:00:03.750 --> 00:01:05.000\n<v Candidate>Um, I have five years of experience\n" in text


def test_cue_text_cannot_end_a_cue_early() -> None:
    tricky = [Seg(0, 1, "a --> b\n\n<c> & d")]
    vtt = to_vtt(tricky)
    assert vtt.count("-->") == 1
    assert "a -&gt; b\n&lt;c&gt; &amp; d" in vtt
    assert to_srt(tricky).count("-->") == 1


def test_txt_is_one_line_per_segment_with_a_clock() -> None:
    assert to_txt(SEGMENTS) == (
        "[0:01] Tell me about yourself.\n[0:03] Candidate: Um, I have five years of experience\n"
    )
    assert to_txt([]) == ""


def test_render_dispatches_by_format() -> None:
    assert render(SEGMENTS, "vtt") == to_vtt(SEGMENTS)
    assert render(SEGMENTS, "srt") == to_srt(SEGMENTS)


def test_one_voice_all_through_is_not_labelled_on_every_line() -> None:
    monologue = [
        Seg(0.0, 2.0, "I led the migration.", speaker="S1"),
        Seg(2.5, 4.0, "It shipped.", speaker="S1"),
    ]
    for rendered in (to_txt(monologue), to_srt(monologue), to_vtt(monologue)):
        assert "S1" not in rendered
        assert "I led the migration." in rendered
