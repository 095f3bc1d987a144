"""speech: transcript.segments → ``segment.metrics``, one per segment, as the transcript grows.

A table keeps, per interview, when each segment's last word ended (so the pause before a
segment is measured across segments) and the running speech totals. Segments are taken in
small batches: one agent wake-up, then per segment decode → metrics → table → produce.
"""

from __future__ import annotations

import logging
from typing import Any

import faust

from streams.app import app, channel, codec_table, send_soon, set_in_partition, settings
from streams.dead_letters import dead_letter, decode
from streams.speech_metrics import SpeechTotals, add_segment_metrics, measure_segment
from streams.table_codecs import SPEECH_ENTRY
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS
from topics.errors import SerializationError

log = logging.getLogger(__name__)

#: interview_id (the topic's key bytes) → {"ends": {seq: last word end}, "totals": SpeechTotals}.
#: Keyed like the topic; a batch from several partitions writes each key's changelog record to
#: the partition its segments came from (``set_in_partition``).
speech_totals = codec_table(
    "speech_totals",
    value_codec=SPEECH_ENTRY,
    partitions=TRANSCRIPT_SEGMENTS.partitions,
    help="Running speech totals and segment end times per interview.",
)


def _last_word_end(segment: dict[str, Any], previous_end: float | None) -> float | None:
    """When speech last ended: a segment without words carries the previous end forward,
    so the silence it spans is still measured as one pause before the next word."""
    words = segment["words"]
    return float(words[-1]["end"]) if words else previous_end


def fold_segment(
    entry: dict[str, Any] | None, segment: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the interview's new table entry, the segment's metrics): pure."""
    entry = entry or {"ends": {}, "totals": SpeechTotals()}
    previous_end = entry["ends"].get(str(segment["seq"] - 1))
    metrics = {**measure_segment(segment, previous_end), "audio_duration": segment["audio_duration"]}
    ends = {**entry["ends"], str(segment["seq"]): _last_word_end(segment, previous_end)}
    return {"ends": ends, "totals": add_segment_metrics(entry["totals"], metrics)}, metrics


async def measure_batch(events: list[faust.EventT]) -> None:
    """Metrics for each segment of the batch; each interview's table entry written once."""
    entries: dict[bytes, dict[str, Any]] = {}
    partitions: dict[bytes, int] = {}
    for event in events:
        key = event.message.key
        try:
            segment = await decode(event, TRANSCRIPT_SEGMENTS.value_schema)
            entry = entries[key] if key in entries else speech_totals.get(key)
            entries[key], metrics = fold_segment(entry, segment)
            partitions[key] = event.message.partition
        except SerializationError as exc:
            await dead_letter(event, exc, attempts=1, consumer="speech")
            continue
        except Exception as exc:  # a pure function fails the same way every time: no retry
            log.exception("cannot measure a segment")
            await dead_letter(event, exc, attempts=1, consumer="speech")
            continue
        send_soon(SEGMENT_METRICS, segment["interview_id"], metrics)
    for key, entry in entries.items():
        set_in_partition(speech_totals, key, entry, partitions[key])


@app.agent(channel(TRANSCRIPT_SEGMENTS), name="measure_speech")
async def measure_speech(stream: faust.StreamT[bytes]) -> None:
    async for events in stream.take_events(settings.speech_batch_size, within=0.05):
        await measure_batch(list(events))
