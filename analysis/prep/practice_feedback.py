"""Feedback on a typed practice answer, at once, from the same analyzer as the interview.

The answer is read like a transcribed one (words timed at a speaking pace of 150 words
per minute, so lengths read as speaking time): STAR parts present and missing, relevance to
the question and the job, hedges, and length. Spoken answers to behavioural questions
land best at about one to two minutes: 150 to 300 words.
"""

from __future__ import annotations

from typing import Any

from analysis.content.answer_analysis import AnswerAnalysis, AnswerTurn
from analysis.content.offline_analyzer import OfflineAnalyzer
from analysis.content.sentences import segment_from_text

SECONDS_PER_WORD = 60 / 150
SHORT_WORDS, LONG_WORDS = 90, 330

STAR_ADVICE = {
    "situation": "Open with the situation: where you were and what was going on.",
    "task": "Say what you were responsible for or what had to be achieved.",
    "action": 'Say what you did yourself, step by step, with "I" rather than "we".',
    "result": "End with the result, ideally a number: what changed because of what you did.",
}


def analyse_practice(
    analyzer: OfflineAnalyzer, question: str, answer: str, job_description: str | None
) -> AnswerAnalysis:
    segment = segment_from_text(answer, start=0.0, seconds_per_word=SECONDS_PER_WORD)
    turn = AnswerTurn(
        interview_id="practice",
        user_id="practice",
        turn_index=0,
        question=question,
        answer=answer,
        start=0.0,
        end=segment["end"],
        question_end=0.0,
        answer_start=0.0,
        answer_words=segment["words"],
    )
    return analyzer.analyze_now(turn, job_description)


def practice_feedback(analysis: AnswerAnalysis, answer: str) -> dict[str, Any]:
    """What the user sees after answering: parts present and missing, scores, what to change."""
    words = len(answer.split())
    star = analysis.star
    present = [part for part in STAR_ADVICE if getattr(star, part).present]
    missing = [part for part in STAR_ADVICE if part not in present]
    notes = [STAR_ADVICE[part] for part in missing]
    if words < SHORT_WORDS:
        notes.append(
            f"At {words} words (about {words * SECONDS_PER_WORD:.0f} s spoken) the answer is short: "
            "add the detail an interviewer would ask for next."
        )
    elif words > LONG_WORDS:
        notes.append(
            f"At {words} words (about {words * SECONDS_PER_WORD / 60:.1f} min spoken) the answer is long: "
            "keep to the two or three steps that mattered most."
        )
    if analysis.relevance.to_question < 40:
        notes.append(
            f"Relevance to the question is {analysis.relevance.to_question}/100: answer the question asked, "
            "using its key words in your first sentence."
        )
    hedges = [hedge.text.strip(".,;:!?") for hedge in analysis.confidence.hedges]
    if hedges:
        quoted = ", ".join(f'"{hedge}"' for hedge in hedges[:3])
        notes.append(f"{len(hedges)} hedge(s) ({quoted}) soften what you did: say it plainly.")
    return {
        "star": {part: getattr(star, part).present for part in STAR_ADVICE},
        "star_present": present,
        "star_missing": missing,
        "star_score": star.score,
        "relevance": analysis.relevance.score,
        "confidence": analysis.confidence.score,
        "hedges": hedges,
        "word_count": words,
        "speaking_seconds": round(words * SECONDS_PER_WORD),
        "notes": notes,
    }
