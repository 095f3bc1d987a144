"""A curated bank of interview questions, ranked for a job by its description.

Every question has a kind (behavioral, technical, phone_screen, panel) and the skills it
probes. For a prep session the bank is filtered by interview type and ranked by how well
each question matches the job: the job description's content words against the question's
skills and words, and the two texts' meaning (sentence embeddings). Questions from the bank
are not AI-generated; the Claude generator (when configured) marks its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.content.embeddings import SentenceEmbedder
from analysis.content.relevance import content_stems

KINDS = ("behavioral", "technical", "phone_screen", "panel")


@dataclass(frozen=True)
class BankQuestion:
    id: str
    kind: str
    text: str
    skills: tuple[str, ...]


def _q(id: str, kind: str, text: str, *skills: str) -> BankQuestion:
    return BankQuestion(id, kind, text, skills)


BANK: tuple[BankQuestion, ...] = (
    # behavioral
    _q(
        "b-conflict",
        "behavioral",
        "Tell me about a time you disagreed with a teammate. How did you resolve it?",
        "conflict",
        "teamwork",
        "communication",
    ),
    _q(
        "b-failure",
        "behavioral",
        "Tell me about a project that did not go as planned. What did you learn?",
        "failure",
        "learning",
        "ownership",
    ),
    _q(
        "b-deadline",
        "behavioral",
        "Describe a time you had to deliver under a tight deadline.",
        "prioritisation",
        "delivery",
        "pressure",
    ),
    _q(
        "b-initiative",
        "behavioral",
        "Tell me about a time you took the initiative to fix something nobody owned.",
        "ownership",
        "initiative",
    ),
    _q(
        "b-influence",
        "behavioral",
        "Tell me about a time you convinced others to change their approach without authority over them.",
        "influence",
        "leadership",
        "communication",
    ),
    _q(
        "b-feedback",
        "behavioral",
        "Describe a time you received difficult feedback. What did you do with it?",
        "feedback",
        "growth",
    ),
    _q(
        "b-ambiguity",
        "behavioral",
        "Tell me about a time you had to make a decision with incomplete information.",
        "judgement",
        "ambiguity",
        "decision making",
    ),
    _q(
        "b-customer",
        "behavioral",
        "Tell me about a time you went out of your way for a customer or user.",
        "customer focus",
        "empathy",
    ),
    _q(
        "b-mentor",
        "behavioral",
        "Tell me about someone you mentored or helped grow.",
        "mentoring",
        "leadership",
        "coaching",
    ),
    _q(
        "b-prioritise",
        "behavioral",
        "How do you prioritise when everything seems urgent? Give an example.",
        "prioritisation",
        "planning",
    ),
    _q(
        "b-mistake",
        "behavioral",
        "Tell me about a mistake you made at work and how you handled it.",
        "accountability",
        "ownership",
    ),
    _q(
        "b-data",
        "behavioral",
        "Tell me about a decision you made based on data.",
        "data",
        "analysis",
        "metrics",
    ),
    _q(
        "b-change",
        "behavioral",
        "Describe a time your team had to change direction quickly.",
        "adaptability",
        "change",
    ),
    _q(
        "b-proud",
        "behavioral",
        "Walk me through a recent project you are proud of.",
        "impact",
        "ownership",
        "delivery",
    ),
    _q(
        "b-stakeholder",
        "behavioral",
        "Tell me about a time you managed a difficult stakeholder.",
        "stakeholder management",
        "communication",
    ),
    # technical
    _q(
        "t-design-scale",
        "technical",
        "How would you design a service that handles ten times today's traffic?",
        "system design",
        "scalability",
        "distributed systems",
    ),
    _q(
        "t-debug",
        "technical",
        "Walk me through how you debugged the hardest production issue you have seen.",
        "debugging",
        "production",
        "incident response",
    ),
    _q(
        "t-db",
        "technical",
        "How would you choose between a relational database and a document store for a new feature?",
        "databases",
        "sql",
        "data modelling",
    ),
    _q(
        "t-api",
        "technical",
        "How do you design an API that other teams can rely on for years?",
        "api design",
        "versioning",
        "backward compatibility",
    ),
    _q(
        "t-testing",
        "technical",
        "How do you decide what to test, and how?",
        "testing",
        "quality",
        "automation",
    ),
    _q(
        "t-perf",
        "technical",
        "Tell me about a time you made something significantly faster. How did you find the bottleneck?",
        "performance",
        "profiling",
        "optimisation",
    ),
    _q(
        "t-streaming",
        "technical",
        "How would you process a stream of events exactly once, or as close to it as you can get?",
        "kafka",
        "streaming",
        "event driven",
        "data pipelines",
    ),
    _q(
        "t-security",
        "technical",
        "How do you keep user data safe in a system you build?",
        "security",
        "privacy",
        "authentication",
    ),
    _q(
        "t-cloud",
        "technical",
        "How would you deploy and operate a service on a cloud platform with no downtime?",
        "cloud",
        "devops",
        "kubernetes",
        "ci/cd",
    ),
    _q(
        "t-ml",
        "technical",
        "How would you take a machine learning model from a notebook to production?",
        "machine learning",
        "mlops",
        "python",
    ),
    _q(
        "t-frontend",
        "technical",
        "How do you keep a large web front end fast and maintainable?",
        "frontend",
        "javascript",
        "react",
        "performance",
    ),
    _q(
        "t-code-review",
        "technical",
        "What do you look for in a code review?",
        "code review",
        "quality",
        "collaboration",
    ),
    _q(
        "t-sql",
        "technical",
        "How would you find and fix a slow SQL query?",
        "sql",
        "databases",
        "performance",
    ),
    _q(
        "t-tradeoff",
        "technical",
        "Tell me about a technical trade-off you made and what it cost you.",
        "trade-offs",
        "architecture",
        "judgement",
    ),
    # phone screen
    _q("p-about", "phone_screen", "Tell me about yourself.", "communication", "background"),
    _q("p-why-company", "phone_screen", "Why do you want to work here?", "motivation", "company research"),
    _q("p-why-role", "phone_screen", "What interests you about this role?", "motivation", "role fit"),
    _q("p-salary", "phone_screen", "What are your salary expectations?", "negotiation"),
    _q(
        "p-leaving",
        "phone_screen",
        "Why are you looking to leave your current job?",
        "motivation",
        "career goals",
    ),
    _q("p-strength", "phone_screen", "What is your greatest strength?", "self awareness", "strengths"),
    _q(
        "p-weakness",
        "phone_screen",
        "What is an area you are working to improve?",
        "self awareness",
        "growth",
    ),
    _q(
        "p-availability",
        "phone_screen",
        "When could you start, and is there anything we should know about your availability?",
        "logistics",
    ),
    # panel
    _q(
        "n-cross-team",
        "panel",
        "Tell us about a project where you worked across several teams.",
        "collaboration",
        "cross-functional",
        "communication",
    ),
    _q(
        "n-explain",
        "panel",
        "Explain a complex piece of your work to us as if we were not experts.",
        "communication",
        "clarity",
    ),
    _q(
        "n-vision",
        "panel",
        "Where do you see this team's work going in the next two years, and what would you bring?",
        "vision",
        "strategy",
        "motivation",
    ),
    _q("n-values", "panel", "Which of our values resonates with you most, and why?", "culture fit", "values"),
    _q(
        "n-lead",
        "panel",
        "Tell us about a time you led a group through a difficult period.",
        "leadership",
        "resilience",
    ),
    _q("n-questions", "panel", "What questions do you have for us?", "curiosity", "company research"),
)


@dataclass(frozen=True)
class RankedQuestion:
    question: BankQuestion
    score: float
    matched_terms: tuple[str, ...]


def rank_questions(
    job_title: str | None,
    interview_type: str | None,
    job_description: str | None,
    embedder: SentenceEmbedder | None = None,
    count: int = 8,
    bank: Sequence[BankQuestion] = BANK,
) -> list[RankedQuestion]:
    """The ``count`` questions of the interview's kind that best fit the job, best first.

    An unknown or missing interview type draws from behavioral and phone-screen questions.
    Without a job description the bank's order (most asked first) is kept.
    """
    kinds = {interview_type} if interview_type in KINDS else {"behavioral", "phone_screen"}
    candidates = [question for question in bank if question.kind in kinds]
    job_text = " ".join(part for part in (job_title, job_description) if part)
    if not job_text.strip():
        return [RankedQuestion(question, 0.0, ()) for question in candidates[:count]]
    job_stems = content_stems(job_text)
    meaning = np.zeros(len(candidates))
    if embedder is not None:
        vectors = embedder.embed([job_text, *(f"{q.text} {', '.join(q.skills)}" for q in candidates)])
        meaning = vectors[1:] @ vectors[0]
    ranked = []
    for position, question in enumerate(candidates):
        skill_stems = content_stems(" ".join(question.skills)) | content_stems(question.text)
        matched = tuple(sorted(skill_stems & job_stems))
        # Words the job names count most; meaning breaks ties and finds paraphrase; the
        # bank's order (most asked first) is the last tie-breaker.
        score = len(matched) + 2.0 * float(meaning[position]) - position * 1e-3
        ranked.append(RankedQuestion(question, round(score, 4), matched))
    ranked.sort(key=lambda item: item.score, reverse=True)
    return ranked[:count]
