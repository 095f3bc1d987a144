"""Prep questions written by Claude for the job, when a key is configured.

Claude is asked through one forced tool for interview questions fitting the job title,
interview type and job description, each with its kind and the skills it probes. Every
question it writes is marked AI-generated. When Claude fails (refused, busy past the
retries, malformed reply) :class:`ClaudeQuestionWriter` falls back to the curated bank and
says so in its notice.
"""

from __future__ import annotations

import logging

import anthropic
from anthropic.types import TextBlockParam, ToolParam
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.claude.client import (
    call_tool,
    make_client,
    tool_input,
    validation_summary,
)
from analysis.claude.settings import ClaudeSettings, ClaudeUnavailable
from analysis.prep.question_bank import KINDS
from analysis.prep.question_writer import JobToPrepare, QuestionWriter, SessionQuestion, WrittenQuestions

log = logging.getLogger(__name__)

TOOL_NAME = "record_interview_questions"
FELL_BACK_NOTICE = (
    "The AI question writer is unavailable right now, so these questions come from our curated bank."
)


class GeneratedQuestion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        min_length=10, max_length=400, description="The question as the interviewer would ask it."
    )
    kind: str = Field(description=f"One of: {', '.join(KINDS)}.")
    skills: list[str] = Field(default=[], max_length=5, description="The skills the question probes.")


class GeneratedQuestions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    questions: list[GeneratedQuestion] = Field(min_length=1, max_length=20)


TOOL: ToolParam = {
    "name": TOOL_NAME,
    "description": "Record the interview questions written for this candidate's preparation.",
    "input_schema": GeneratedQuestions.model_json_schema(),
}
INSTRUCTIONS = """\
You write interview questions that a candidate practises before a real interview. Write the \
questions a good interviewer for this exact job would ask: specific to the role and to what \
the job description asks for, a mix of questions about past experience and about how the \
candidate would approach the work, never trick questions. Each question is one or two \
sentences, as it would be said aloud. Give each its kind (behavioral, technical, \
phone_screen or panel, matching the interview type when one is given) and up to five short \
skill names it probes. Record them with the tool; write nothing else.
"""
SYSTEM: list[TextBlockParam] = [
    {"type": "text", "text": INSTRUCTIONS, "cache_control": {"type": "ephemeral"}}
]


def request_text(
    job_title: str | None, interview_type: str | None, job_description: str | None, count: int
) -> str:
    parts = [f"Write {count} questions."]
    if job_title:
        parts.append(f"<job_title>{job_title.strip()}</job_title>")
    if interview_type:
        parts.append(f"<interview_type>{interview_type}</interview_type>")
    if job_description and job_description.strip():
        parts.append(f"<job_description>\n{job_description.strip()}\n</job_description>")
    return "\n".join(parts)


async def generate_questions(
    client: anthropic.AsyncAnthropic,
    settings: ClaudeSettings,
    job_title: str | None,
    interview_type: str | None,
    job_description: str | None,
    count: int,
    label: str,
) -> list[GeneratedQuestion]:
    """Claude's questions, at most ``count``; raises :class:`ClaudeUnavailable` when it fails."""
    message = await call_tool(
        client,
        settings,
        system=SYSTEM,
        tool=TOOL,
        content=request_text(job_title, interview_type, job_description, count),
        label=label,
    )
    try:
        generated = GeneratedQuestions.model_validate(tool_input(message, TOOL_NAME))
    except ValidationError as exc:
        raise ClaudeUnavailable(f"the questions did not validate ({validation_summary(exc)})") from exc
    fallback_kind = interview_type if interview_type in KINDS else "behavioral"
    return [
        question.model_copy(update={"kind": question.kind if question.kind in KINDS else fallback_kind})
        for question in generated.questions[:count]
    ]


class ClaudeQuestionWriter:
    """One of the two :class:`~analysis.prep.question_writer.QuestionWriter` implementations:
    Claude's questions, or ``fallback``'s with :data:`FELL_BACK_NOTICE` when Claude fails."""

    name = "claude"

    def __init__(self, settings: ClaudeSettings, fallback: QuestionWriter) -> None:
        self.settings = settings
        self.fallback = fallback

    async def write(self, job: JobToPrepare) -> WrittenQuestions:
        try:
            # A client per session: the gateway asks rarely, and holds no connection between.
            async with make_client(self.settings) as client:
                written = await generate_questions(
                    client,
                    self.settings,
                    job.job_title,
                    job.interview_type,
                    job.job_description,
                    job.count,
                    label="a new prep session",
                )
        except ClaudeUnavailable as exc:
            log.warning("Claude question writing fell back to the %s: %s", self.fallback.name, exc)
            fallen_back = await self.fallback.write(job)
            return WrittenQuestions(fallen_back.questions, notice=FELL_BACK_NOTICE)
        questions: list[SessionQuestion] = [
            {
                "question_id": f"ai-{index + 1}",
                "text": question.text,
                "kind": question.kind,
                "ai_generated": True,
                "skill": ", ".join(question.skills) or None,
                "why": None,
            }
            for index, question in enumerate(written)
        ]
        return WrittenQuestions(questions)
