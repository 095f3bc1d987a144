"""The offline answer analyzer: rules, lexicons, VADER and sentence embeddings; no network.

One of the two :class:`~analysis.content.answer_analyzer.AnswerAnalyzer` implementations, and
the Claude analyzer's fallback.
"""

from __future__ import annotations

from analysis.content.answer_analysis import (
    AnswerAnalysis,
    AnswerTurn,
    Confidence,
    Enthusiasm,
    Finding,
    Relevance,
    Span,
    Star,
    StarPart,
)
from analysis.content.answer_analyzer import DelayNotice
from analysis.content.confidence import analyze_confidence, analyze_enthusiasm
from analysis.content.embeddings import SentenceEmbedder, shared_embedder
from analysis.content.relevance import score_relevance
from analysis.content.sentences import TimedSentence, segment_from_text, split_sentences
from analysis.content.star import STAR_PARTS, analyze_star
from analysis.moments import clock


def answer_sentences(turn: AnswerTurn) -> list[TimedSentence]:
    """The answer's timed sentences: from its word timings, or evenly timed text."""
    if turn.answer_words:
        segment = {
            "start": turn.answer_words[0].start,
            "end": turn.answer_words[-1].end,
            "words": [word.model_dump() for word in turn.answer_words],
        }
    else:
        segment = segment_from_text(turn.answer, start=turn.answer_start or turn.question_end)
    return split_sentences([segment])


def _finding(kind: str, text: str, start: float, end: float) -> Finding:
    return Finding(kind=kind, text=text, start=round(start, 3), end=round(end, 3))


def feedback_for(star: Star, relevance: Relevance, confidence: Confidence, turn: AnswerTurn) -> list[str]:
    """Actionable notes on one answer, each citing when it was said or the figure behind it."""
    at = clock(turn.answer_start if turn.answer_start is not None else turn.start)
    notes: list[str] = []
    missing = star.missing()
    if "result" in missing and star.action.present:
        notes.append(
            f"Your answer at {at} says what you did but not what came of it: end with the result, "
            "ideally a number (time saved, errors cut, users won)."
        )
    if "action" in missing:
        notes.append(
            f"Your answer at {at} does not say what you yourself did: name your own steps "
            '("I wrote…", "I organised…") rather than the team\'s.'
        )
    if "situation" in missing and "task" in missing and len(missing) < 4:
        notes.append(f"Your answer at {at} starts without context: open with one sentence on where and when.")
    if relevance.to_question < 40:
        notes.append(
            f"Your answer at {at} strays from the question (relevance {relevance.to_question}/100): "
            "repeat the question's key words in your first sentence."
        )
    if len(confidence.hedges) >= 2:
        first = confidence.hedges[0]
        notes.append(
            f'{len(confidence.hedges)} hedges in the answer at {at} (the first, "{first.text}", '
            f"at {clock(first.start)}) make you sound unsure: state what you did plainly."
        )
    return notes


class OfflineAnalyzer:
    """Rules, lexicons and sentence embeddings over the answer's timed words; no network."""

    name = "offline"

    def __init__(self, embedder: SentenceEmbedder | None = None) -> None:
        self._embedder = embedder

    @property
    def embedder(self) -> SentenceEmbedder:
        if self._embedder is None:
            self._embedder = shared_embedder()
        return self._embedder

    def analyze_now(self, turn: AnswerTurn, job_description: str | None) -> AnswerAnalysis:
        sentences = answer_sentences(turn)
        star_found = analyze_star(sentences)
        star = Star(
            **{
                part: StarPart(
                    present=star_found.present(part),
                    evidence=[
                        Span(text=item.text, start=round(item.start, 3), end=round(item.end, 3))
                        for item in star_found.evidence.get(part, [])
                    ],
                )
                for part in STAR_PARTS
            },
            score=star_found.score,
        )
        scored = score_relevance(turn.answer, turn.question, job_description, self.embedder)
        relevance = Relevance(
            score=scored.score,
            to_question=scored.to_question,
            to_job_description=scored.to_job_description,
            shared_terms=scored.shared_terms,
        )
        sure = analyze_confidence(sentences)
        confidence = Confidence(
            score=sure.score,
            hedges=[_finding(f.kind, f.text, f.start, f.end) for f in sure.hedges],
            self_corrections=[_finding(f.kind, f.text, f.start, f.end) for f in sure.self_corrections],
            filler_count=sure.filler_count,
            word_count=sure.word_count,
        )
        keen = analyze_enthusiasm(sentences) if sentences else None
        enthusiasm = Enthusiasm(
            score=keen.score if keen else 0,
            energetic_words=[_finding(f.kind, f.text, f.start, f.end) for f in keen.energetic_words]
            if keen
            else [],
            exclamations=keen.exclamations if keen else 0,
        )
        return AnswerAnalysis(
            interview_id=turn.interview_id,
            user_id=turn.user_id,
            turn_index=turn.turn_index,
            analyzer="offline",
            star=star,
            relevance=relevance,
            confidence=confidence,
            enthusiasm=enthusiasm,
            feedback=feedback_for(star, relevance, confidence, turn),
        )

    async def analyze(
        self, turn: AnswerTurn, job_description: str | None, on_delay: DelayNotice | None = None
    ) -> AnswerAnalysis:
        return self.analyze_now(turn, job_description)

    async def aclose(self) -> None:
        """Nothing to close: the offline analyzer holds no connection."""
