"""A reprocessing from end to end: choose the live analyses, read their inputs, recompute,
write the version, and say old against new."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.content.answer_analyzer import answer_analyzer_from_settings
from analysis.content.embeddings import shared_embedder
from analysis.runs import run_of
from dev.replay.bounds import Bound
from dev.reprocess.answers import reanalyze
from dev.reprocess.inputs import LiveAnalysis, latest_values, live_analyses, recorded
from dev.reprocess.output import (
    Output,
    VersionExists,
    ensure_version_topics,
    write_version,
    written_before,
)
from dev.reprocess.recompute import recompute
from dev.reprocess.report import ScoreChange
from topics.catalog import (
    ANALYSIS_COMPLETED,
    ANSWER_ANALYSIS,
    INTERVIEW_TURNS,
    PREP_SESSIONS,
    TRANSCRIPT_SEGMENTS,
    versioned_topic,
)
from topics.codec import AvroCodec


class NothingToReprocess(Exception):
    """The range holds no analysis, or not one of an interview named."""


async def reprocess(
    bootstrap: str,
    prefix: str,
    version: int,
    start: Bound,
    stop: Bound,
    interviews: Sequence[str],
    codec: AvroCodec,
    now_ms: int,
    reanalyze_answers: bool = False,
) -> list[ScoreChange]:
    """Recompute the analyses of the range (of ``interviews`` only, when named) into ``version``,
    each answer read again too when ``reanalyze_answers``; the old and new overall score of each."""
    versioned_topic(ANALYSIS_COMPLETED, version)  # refuses a version below 2 before any work
    live = await live_analyses(bootstrap, prefix, codec, start, stop, interviews)
    unknown = sorted(set(interviews) - set(live))
    if unknown:
        raise NothingToReprocess(
            f"no analysis of {', '.join(unknown)} on {ANALYSIS_COMPLETED.name} from {start} to {stop}"
        )
    if not live:
        raise NothingToReprocess(f"no analysis on {ANALYSIS_COMPLETED.name} from {start} to {stop}")
    await ensure_version_topics(bootstrap, prefix, version)
    before = await written_before(bootstrap, prefix, version, codec)
    if before:
        raise VersionExists(
            f"version {version} was written before "
            f"({versioned_topic(ANALYSIS_COMPLETED, version).full_name(prefix)} holds {before} "
            "analyses); reprocess into another --into-version"
        )
    segments = await recorded(bootstrap, prefix, codec, TRANSCRIPT_SEGMENTS, live)
    if reanalyze_answers:
        turns = await recorded(bootstrap, prefix, codec, INTERVIEW_TURNS, live)
        analyzer = answer_analyzer_from_settings()
        try:
            answers = {
                interview_id: await reanalyze(turns[interview_id], old.run, analyzer)
                for interview_id, old in sorted(live.items())
            }
        finally:
            await analyzer.aclose()
    else:
        answers = await recorded(bootstrap, prefix, codec, ANSWER_ANALYSIS, live)
    linked = _prep_session_ids(live, answers)
    sessions = await latest_values(bootstrap, prefix, codec, PREP_SESSIONS, linked)
    # As in the roll-up: a linked session that is gone still gets its comparison's "deleted" note.
    embedder = shared_embedder() if linked else None
    rows, outputs = [], []
    for interview_id, old in sorted(live.items()):
        end = _end_of(answers[interview_id], old.run)
        prep_id = None if end is None else end.get("prep_session_id")
        result = recompute(
            interview_id,
            old.run,
            segments[interview_id],
            answers[interview_id],
            completed_at_ms=now_ms,
            prep_session=sessions.get(prep_id) if prep_id else None,
            embedder=embedder,
        )
        old_score = float(old.value["overall_score"])
        if result.analysis is None:
            rows.append(ScoreChange(interview_id, old.run, old_score, None, result.problem))
            continue
        rows.append(ScoreChange(interview_id, old.run, old_score, float(result.analysis["overall_score"])))
        outputs.append(
            Output(
                interview_id,
                old.partition,
                f"{ANALYSIS_COMPLETED.full_name(prefix)}:{old.partition}:{old.offset}",
                result.metrics,
                result.analysis,
                answers[interview_id] if reanalyze_answers else (),
            )
        )
    await write_version(bootstrap, prefix, version, codec, outputs)
    return rows


def _end_of(answers: Sequence[dict[str, object]], run: int) -> dict[str, object] | None:
    ends = [answer for answer in answers if answer["kind"] == "END" and run_of(answer) == run]
    return ends[-1] if ends else None


def _prep_session_ids(live: dict[str, LiveAnalysis], answers: dict[str, list[dict[str, object]]]) -> set[str]:
    ids = set()
    for interview_id, old in live.items():
        end = _end_of(answers[interview_id], old.run)
        if end is not None and end.get("prep_session_id"):
            ids.add(str(end["prep_session_id"]))
    return ids
