"""Transcript downloads: plain text, SubRip (SRT) and WebVTT. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from analysis.moments import clock

TranscriptFormat = Literal["txt", "srt", "vtt"]

MEDIA_TYPES: dict[TranscriptFormat, str] = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
}


class Segment(Protocol):
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...
    @property
    def speaker(self) -> str | None: ...


def _split_millis(seconds: float) -> tuple[int, int, int, int]:
    # Round once, in milliseconds, so 59.9996 s becomes 00:01:00.000 and never 00:00:60.000.
    total_ms = max(0, round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return hours, minutes, secs, millis


def srt_timestamp(seconds: float) -> str:
    hours, minutes, secs, millis = _split_millis(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def vtt_timestamp(seconds: float) -> str:
    hours, minutes, secs, millis = _split_millis(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _cue_text(text: str) -> str:
    # An arrow or a blank line inside a cue would end it early in both formats.
    lines = [line.strip() for line in text.replace("-->", "->").splitlines()]
    return "\n".join(line for line in lines if line)


def _speaker(segment: Segment, named: bool) -> str | None:
    return segment.speaker if named else None


def _several_speakers(segments: Sequence[Segment]) -> bool:
    """Labels are worth printing only when they tell voices apart: one voice all through (the
    offline engine's voice split labels a monologue ``S1``) reads as plain text."""
    return len({segment.speaker for segment in segments}) > 1


def to_txt(segments: Sequence[Segment]) -> str:
    lines = []
    named = _several_speakers(segments)
    for segment in segments:
        who = _speaker(segment, named)
        speaker = f"{who}: " if who else ""
        lines.append(f"[{clock(segment.start)}] {speaker}{' '.join(segment.text.split())}")
    return "\n".join(lines) + ("\n" if lines else "")


def to_srt(segments: Sequence[Segment]) -> str:
    cues = []
    named = _several_speakers(segments)
    for number, segment in enumerate(segments, start=1):
        who = _speaker(segment, named)
        speaker = f"{who}: " if who else ""
        cues.append(
            f"{number}\n{srt_timestamp(segment.start)} --> {srt_timestamp(segment.end)}\n"
            f"{speaker}{_cue_text(segment.text)}\n"
        )
    return "\n".join(cues)


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(segments: Sequence[Segment]) -> str:
    parts = ["WEBVTT\n"]
    named = _several_speakers(segments)
    for segment in segments:
        text = _escape_vtt(_cue_text(segment.text))
        who = _speaker(segment, named)
        if who:
            text = f"<v {_escape_vtt(who)}>{text}"
        parts.append(f"{vtt_timestamp(segment.start)} --> {vtt_timestamp(segment.end)}\n{text}\n")
    return "\n".join(parts)


def render(segments: Sequence[Segment], transcript_format: TranscriptFormat) -> str:
    renderers = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt}
    return renderers[transcript_format](segments)
