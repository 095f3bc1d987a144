"""speech: transcript.segments → ``segment.metrics``, one per segment, as the transcript grows.

A table keeps, per interview, when each segment's last word ended (so the pause before a
segment is measured across segments) and the running speech totals.
"""

from __future__ import annotations

import json
from typing import Any

import faust

from streams.app import app, channel, send
from streams.dead_letters import process_event
from streams.speech_metrics import SpeechTotals, add_segment_metrics, measure_segment
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS

speech_totals = app.Table(
    "speech_totals",
    default=None,
    partitions=TRANSCRIPT_SEGMENTS.partitions,
    key_type=str,
    value_type=bytes,
    help="Running speech totals and segment end times per interview_id (JSON).",
)


def _last_word_end(segment: dict[str, Any], previous_end: float | None) -> float | None:
    """When speech last ended: a segment without words carries the previous end forward,
    so the silence it spans is still measured as one pause before the next word."""
    words = segment["words"]
    return float(words[-1]["end"]) if words else previous_end


async def measure(segment: dict[str, Any], _event: faust.EventT) -> None:
    interview_id = segment["interview_id"]
    stored = speech_totals.get(interview_id)
    entry = json.loads(stored) if stored else {"ends": {}, "totals": None}
    previous_end = entry["ends"].get(str(segment["seq"] - 1))
    metrics = {**measure_segment(segment, previous_end), "audio_duration": segment["audio_duration"]}
    totals = SpeechTotals.from_dict(entry["totals"]) if entry["totals"] else SpeechTotals()
    entry["ends"][str(segment["seq"])] = _last_word_end(segment, previous_end)
    entry["totals"] = add_segment_metrics(totals, metrics).to_dict()
    speech_totals[interview_id] = json.dumps(entry).encode()
    await send(SEGMENT_METRICS, interview_id, metrics)


@app.agent(channel(TRANSCRIPT_SEGMENTS), name="measure_speech")
async def measure_speech(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await process_event(event, measure, consumer="speech")
