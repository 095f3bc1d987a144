"""``transcript.segments`` events as the transcriber writes them, one per line of a script,
for the tests that feed the agents a transcript directly."""

from __future__ import annotations

from typing import Any


def scripted_segments(
    interview_id: str,
    user_id: str,
    lines: list[str],
    *,
    confidence: float,
    word_seconds: float,
    pause_seconds: float,
    audio_duration: float | None = None,
    word_length: float = 0.3,
) -> list[dict[str, Any]]:
    """A segment per line: each word ``word_length`` s long, a new one every ``word_seconds``, a
    pause of ``pause_seconds`` after each line; ``audio_duration`` defaults to where the script
    ends."""
    out, clock = [], 0.0
    for seq, text in enumerate(lines):
        words = []
        for token in text.split():
            end = clock + word_length
            words.append({"word": token, "start": clock, "end": end, "confidence": confidence})
            clock += word_seconds
        clock += pause_seconds
        out.append(
            {
                "interview_id": interview_id,
                "user_id": user_id,
                "seq": seq,
                "start": words[0]["start"],
                "end": words[-1]["end"],
                "text": text,
                "words": words,
                "confidence": confidence,
                "engine": "test",
                "audio_duration": clock if audio_duration is None else audio_duration,
                "processed_seconds": words[-1]["end"],
                "elapsed_seconds": 0.1,
                "final": seq == len(lines) - 1,
            }
        )
    return out
