"""The ``AnalysisCompleted`` event of an interview, built from its folded speech totals.

Only computed sections are filled: until content analysis exists, ``content`` is null and
``scores`` holds the speech category alone, so the overall score is the speech score.
"""

from __future__ import annotations

from typing import Any

from streams.speech_metrics import SpeechTotals, speech_section
from streams.speech_score import score_speech, speech_recommendations

#: Below this mean word confidence the transcript, and so the analysis, is preliminary.
LOW_CONFIDENCE_CLARITY = 50.0


def build_analysis(
    final_metrics: dict[str, Any], totals: SpeechTotals, *, completed_at_ms: int
) -> dict[str, Any]:
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
    return {
        "interview_id": final_metrics["interview_id"],
        "user_id": final_metrics["user_id"],
        "speech": section,
        "content": None,
        "scores": {"speech": speech_score},
        "overall_score": speech_score,
        "recommendations": speech_recommendations(section, totals.filler_events, totals.long_pauses),
        "preliminary": preliminary,
        "warnings": warnings,
        "completed_at": completed_at_ms,
    }
