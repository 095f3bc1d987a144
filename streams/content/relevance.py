"""Relevance of an answer to its question and to the job description, by shared words.

A stand-in until sentence embeddings land (issue 4: an onnxruntime MiniLM/bge model): it
sees that "we migrated the database" answers "tell me about a database migration", but
not that "I disagreed with the design lead" answers a question about conflict. The
embedding scorer will replace :func:`score_relevance`'s lexical overlap and keep its
output shape, so callers do not change.

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
from dataclasses import dataclass

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


def score_relevance(answer: str, question: str, job_description: str | None = None) -> Relevance:
    """How far the answer stays on the question (and on the job), 0-100."""
    answer_stems, question_stems = content_stems(answer), content_stems(question)
    shared = sorted(answer_stems & question_stems)
    to_question = _lifted(len(shared) / len(question_stems)) if question_stems else 0
    if not job_description:
        return Relevance(to_question, to_question, None, shared)
    job_stems = content_stems(job_description)
    to_job = _lifted(len(answer_stems & job_stems) / len(answer_stems)) if answer_stems else 0
    return Relevance(round(0.7 * to_question + 0.3 * to_job), to_question, to_job, shared)
