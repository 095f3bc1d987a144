"""The ``AnalysisCompleted`` event of an interview, from its speech totals and its answers.

Only computed sections are filled: without content analysis ``content`` is null and
``scores`` holds the speech category alone. A recording that is not an interview gets no
scores at all (and an overall score of 0 with the reason in its warnings).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.content.embeddings import SentenceEmbedder
from analysis.content_section import build_content, overall
from analysis.prep.comparison import prep_section
from analysis.runs import run_of
from analysis.speech.metrics import SpeechTotals, speech_section
from analysis.speech.score import score_speech, speech_recommendations

#: Below this mean word confidence the transcript, and so the analysis, is preliminary.
LOW_CONFIDENCE_CLARITY = 50.0


def build_analysis(
    final_metrics: dict[str, Any],
    totals: SpeechTotals,
    *,
    completed_at_ms: int,
    answers: Sequence[Mapping[str, Any]] | None = None,
    turns_end: Mapping[str, Any] | None = None,
    prep_session: Mapping[str, Any] | None = None,
    embedder: SentenceEmbedder | None = None,
) -> dict[str, Any]:
    """The analysis; the content section when ``turns_end`` (the END record) is given, with
    the prep comparison when the END record names a prep session (``prep_session`` is its
    record, None when it is gone) and an ``embedder`` is given."""
    duration = float(final_metrics.get("audio_duration") or final_metrics["end"])
    section = speech_section(totals, duration)
    speech_score, breakdown = score_speech(section)
    section = {**section, "speech_score": speech_score, "score_breakdown": breakdown}
    preliminary = section["clarity_score"] < LOW_CONFIDENCE_CLARITY
    warnings = (
        ["The transcript has low confidence, so this analysis is preliminary: check the audio quality."]
        if preliminary
        else []
    )
    scores: dict[str, float] = {"speech": speech_score}
    recommendations = speech_recommendations(section, totals.filler_events, totals.long_pauses)
    content = None
    if turns_end is not None:
        content, content_scores, content_notes, content_warnings = build_content(
            answers or [], turns_end, section
        )
        warnings += content_warnings
        if content["status"] == "not_an_interview":
            scores, recommendations = {}, []
        else:
            scores |= content_scores
            recommendations = content_notes + recommendations
        if turns_end.get("prep_session_id") and embedder is not None:
            content["prep_comparison"] = prep_section(embedder, prep_session, content["turns"])
    return {
        "interview_id": final_metrics["interview_id"],
        "user_id": final_metrics["user_id"],
        "speech": section,
        "content": None if content is None else json.dumps(content),
        "scores": scores,
        "overall_score": overall(scores),
        "recommendations": recommendations,
        "preliminary": preliminary,
        "warnings": warnings,
        "completed_at": completed_at_ms,
        "run": run_of(final_metrics),
    }
