"""Recognized speech → the ``TranscriptSegment`` event (schemas/avro/transcript_segment.avsc)."""

from __future__ import annotations

from typing import Any

from analysis.runs import run_of
from streams.transcription import Progress, RecognizedSegment


def segment_event(
    uploaded: dict[str, Any],
    seq: int,
    segment: RecognizedSegment,
    progress: Progress,
    *,
    final: bool,
    engine: str,
) -> dict[str, Any]:
    return {
        "interview_id": uploaded["interview_id"],
        "user_id": uploaded["user_id"],
        "seq": seq,
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "words": [
            {"word": word.word, "start": word.start, "end": word.end, "confidence": word.confidence}
            for word in segment.words
        ],
        "confidence": segment.confidence,
        "speaker": segment.speaker,
        "speaker_confidence": segment.speaker_confidence,
        "language": segment.language,
        "engine": engine,
        "audio_duration": progress.audio_duration,
        "processed_seconds": min(
            max(progress.processed_seconds, segment.end), progress.audio_duration or segment.end
        ),
        "elapsed_seconds": progress.elapsed_seconds,
        "final": final,
        "run": run_of(uploaded),
    }
