"""Prep questions from the curated bank, ranked by how well they fit the job; no network."""

from __future__ import annotations

import asyncio

from analysis.content.embeddings import SentenceEmbedder, shared_embedder
from analysis.prep.question_bank import rank_questions
from analysis.prep.question_writer import JobToPrepare, SessionQuestion, WrittenQuestions


class BankQuestionWriter:
    """One of the two :class:`~analysis.prep.question_writer.QuestionWriter` implementations,
    and the Claude writer's fallback."""

    name = "bank"

    def __init__(self, embedder: SentenceEmbedder | None = None) -> None:
        self._embedder = embedder

    def write_now(self, job: JobToPrepare) -> WrittenQuestions:
        embedder = self._embedder or shared_embedder()
        ranked = rank_questions(job.job_title, job.interview_type, job.job_description, embedder, job.count)
        questions: list[SessionQuestion] = [
            {
                "question_id": item.question.id,
                "text": item.question.text,
                "kind": item.question.kind,
                "ai_generated": False,
                "skill": ", ".join(item.question.skills),
                "why": f"matches the job on: {', '.join(item.matched_terms)}" if item.matched_terms else None,
            }
            for item in ranked
        ]
        return WrittenQuestions(questions)

    async def write(self, job: JobToPrepare) -> WrittenQuestions:
        # Embedding the job and the bank takes CPU for a while: off the event loop.
        return await asyncio.to_thread(self.write_now, job)
