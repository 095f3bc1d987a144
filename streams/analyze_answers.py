"""content: interview.turns → ``answer.analysis``, one record per answer, then END.

Each answer is read by the configured analyzer (offline rules by default; Claude when a
key is configured, which falls back to the offline result when it fails) and given a
sentiment value per sentence for the timeline. END records pass through, after the
interview's last answer, so the rollup knows when the content section is complete.
"""

from __future__ import annotations

import logging
from typing import Any

import faust

from analysis.content.answer_analyzer import AnswerAnalyzer, answer_analyzer_from_settings
from analysis.content.answer_records import answer_record, answer_turn, end_record
from analysis.runs import run_of
from streams.app import app, channel, send
from streams.dead_letters import process_event
from topics.catalog import ANSWER_ANALYSIS, INTERVIEW_TURNS

#: The agent's name: its Faust agent, its consumer in the topic catalog and in dead letters.
AGENT = "analyze_answers"

log = logging.getLogger(__name__)

#: Claude when IB_ANTHROPIC_API_KEY is set (falling back to the offline result when it
#: fails), else the offline analyzer.
analyzer: AnswerAnalyzer = answer_analyzer_from_settings()


@app.service
class AnswerAnalyzerClient(faust.Service):
    """Closes the Claude client's connections with the worker."""

    async def on_stop(self) -> None:
        await analyzer.aclose()


async def analyze(record: dict[str, Any], _event: faust.EventT) -> None:
    interview_id = record["interview_id"]
    if record["kind"] == "END":
        await send(ANSWER_ANALYSIS, interview_id, end_record(record))
        return
    turn = answer_turn(record)

    async def delayed(notice: str) -> None:
        # The interview's state shows the notice until the next answer record clears it.
        log.info("analysis of %s turn %d delayed: %s", interview_id, turn.turn_index, notice)
        waiting = {
            "interview_id": interview_id,
            "user_id": turn.user_id,
            "kind": "DELAYED",
            "turn_index": turn.turn_index,
            "notice": notice,
            "run": run_of(record),
        }
        await send(ANSWER_ANALYSIS, interview_id, waiting)

    analysis = await analyzer.analyze(turn, record.get("job_description"), on_delay=delayed)
    if analysis.degraded_reason:
        log.warning(
            "analysis of %s turn %d fell back: %s", interview_id, turn.turn_index, analysis.degraded_reason
        )
    await send(ANSWER_ANALYSIS, interview_id, answer_record(record, turn, analysis.model_dump()))


@app.agent(channel(INTERVIEW_TURNS), name=AGENT)
async def analyze_answers(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await process_event(event, analyze, consumer=AGENT)
