"""rollup: segment.metrics → ``analysis.completed`` when the final segment's metrics arrive.

Metrics are folded into a per-interview table as they stream in (idempotent per seq, so
a replay does not double-count); the final segment closes the interview's speech section,
scores it and writes the recommendations. Content analysis comes later: its section stays
empty, never invented.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from streams.analysis_document import build_analysis
from streams.app import app, channel, codec_table, send
from streams.dead_letters import process_event
from streams.speech_metrics import SpeechTotals, add_segment_metrics
from streams.table_codecs import SPEECH_TOTALS
from topics.catalog import ANALYSIS_COMPLETED, SEGMENT_METRICS

speech_rollup = codec_table(
    "speech_rollup",
    value_codec=SPEECH_TOTALS,
    partitions=SEGMENT_METRICS.partitions,
    help="Speech totals per interview, folded from segment.metrics.",
)


async def roll_up(metrics: dict[str, Any], event: faust.EventT) -> None:
    interview_id = metrics["interview_id"]
    key = event.message.key
    totals = add_segment_metrics(speech_rollup.get(key) or SpeechTotals(), metrics)
    speech_rollup[key] = totals
    if metrics["final"]:
        analysis = build_analysis(metrics, totals, completed_at_ms=int(time.time() * 1000))
        await send(ANALYSIS_COMPLETED, interview_id, analysis)


@app.agent(channel(SEGMENT_METRICS), name="roll_up_analysis")
async def roll_up_analysis(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await process_event(event, roll_up, consumer="rollup")
