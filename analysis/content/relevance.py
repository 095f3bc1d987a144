"""Relevance of an answer to its question and to the job description: meaning and words.

With a sentence embedder (:mod:`analysis.content.embeddings`, the default in the analyzer)
the answer is compared by meaning: the closer of the whole answer and its best sentence to
the question, so "I disagreed with the design lead" answers a question about conflict.
Shared words still count (the higher of the two wins), because a short answer that repeats
the question's terms is on topic even when its vector drifts.

Meaning: cosine similarity mapped linearly to 0-100 between :data:`QUESTION_COSINE` (an
off-topic answer in the labelled set scores at most 0.15) and its top; for the job
description, the best match between the answer and any of its sentences, between
:data:`JOB_COSINE`.

Content words: lower case, stopwords and interview-prompt words ("tell", "describe",
"time", "example") removed, folded by a light suffix-stripping stemmer ("migrated",
"migration", "migrating" -> "migrat").

to_question: the share of the question's content stems that the answer uses, lifted so
that answering half the question's terms already reads as relevant (100 * sqrt(share)).
to_job_description: the share of the answer's content stems found in the job description,
lifted the same way. score: to_question alone, or 0.7 * question + 0.3 * job description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from analysis.content.embeddings import SentenceEmbedder

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i i'd i'm i've if in into is
    it it's its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that that's the their theirs
    them themselves then there these they this those through to too under until up very was we
    we're were what when where which while who whom why will with would you your yours yourself
    also really like um uh yeah well got get go went one two lot thing things kind sort actually
    basically just still even much many every
""".split()
)
# The words interviewers wrap every question in carry no topic.
PROMPT_WORDS = frozenset(
    """
    tell describe walk explain give example time times situation share talk describe recall
    think told ever experience previous past role handled handle approach specific moment
""".split()
)
QUESTION_COSINE = (0.12, 0.42)
JOB_COSINE = (0.15, 0.55)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SUFFIXES = ("ions", "ion", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")
_WORD = re.compile(r"[a-z][a-z'-]*")


def stem(word: str) -> str:
    """A light suffix stripper: enough to fold "migrated/migration/migrating" together."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # "database" and "databases" both end as "databas".
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def content_stems(text: str) -> set[str]:
    """The stems of the text's content words."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return {
        stem(word) for word in words if word not in STOPWORDS and word not in PROMPT_WORDS and len(word) > 2
    }


@dataclass(frozen=True)
class Relevance:
    score: int
    to_question: int
    to_job_description: int | None
    shared_terms: list[str]
    """Question stems the answer used: the evidence a recommendation can cite."""


def _lifted(share: float) -> int:
    return round(100 * math.sqrt(max(0.0, min(1.0, share))))


def _mapped(cosine: float, bounds: tuple[float, float]) -> int:
    low, high = bounds
    return round(100 * max(0.0, min(1.0, (cosine - low) / (high - low))))


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE.split(text.strip()) if sentence]


def semantic_relevance(
    embedder: SentenceEmbedder, answer: str, question: str, job_description: str | None
) -> tuple[int, int | None]:
    """(to the question, to the job description or None), by meaning, each 0-100."""
    answer_sentences = _sentences(answer)
    job_sentences = _sentences(job_description) if job_description else []
    texts: Sequence[str] = [question, answer, *answer_sentences, *job_sentences]
    vectors = embedder.embed(texts)
    asked, whole = vectors[0], vectors[1]
    said = vectors[1 : 2 + len(answer_sentences)]
    to_question = _mapped(float(np.max(said @ asked)), QUESTION_COSINE)
    if not job_sentences:
        return to_question, None
    job = vectors[2 + len(answer_sentences) :]
    return to_question, _mapped(float(np.max(job @ whole)), JOB_COSINE)


def score_relevance(
    answer: str, question: str, job_description: str | None = None, embedder: SentenceEmbedder | None = None
) -> Relevance:
    """How far the answer stays on the question (and on the job), 0-100."""
    answer_stems, question_stems = content_stems(answer), content_stems(question)
    shared = sorted(answer_stems & question_stems)
    to_question = _lifted(len(shared) / len(question_stems)) if question_stems else 0
    to_job: int | None = None
    if job_description:
        job_stems = content_stems(job_description)
        to_job = _lifted(len(answer_stems & job_stems) / len(answer_stems)) if answer_stems else 0
    if embedder is not None and answer.strip():
        by_meaning, job_by_meaning = semantic_relevance(embedder, answer, question, job_description)
        to_question = max(to_question, by_meaning)
        if to_job is not None and job_by_meaning is not None:
            to_job = max(to_job, job_by_meaning)
    if to_job is None:
        return Relevance(to_question, to_question, None, shared)
    return Relevance(round(0.7 * to_question + 0.3 * to_job), to_question, to_job, shared)
