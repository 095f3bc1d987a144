"""What Claude is asked: the tool it must call (validated by :class:`AnswerJudgement`), the
cached rubric, and the turn-specific user message."""

from __future__ import annotations

from typing import Any

from anthropic.types import TextBlockParam, ToolParam
from pydantic import BaseModel, ConfigDict, Field

from analysis.content.answer_analysis import AnswerTurn

TOOL_NAME = "record_answer_analysis"


class _ToolInput(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StarPartJudgement(_ToolInput):
    present: bool = Field(description="Whether the answer contains this part.")
    quotes: list[str] = Field(
        max_length=5,
        description="The words of the answer that show this part, copied verbatim (empty when absent).",
    )


class FeedbackNote(_ToolInput):
    note: str = Field(min_length=1, max_length=400, description="One short, actionable sentence.")
    quote: str | None = Field(
        description="The words of the answer the note is about, copied verbatim; null for the whole answer."
    )


class AnswerJudgement(_ToolInput):
    situation: StarPartJudgement
    task: StarPartJudgement
    action: StarPartJudgement
    result: StarPartJudgement
    star_score: int = Field(ge=0, le=100, description="STAR structure, 0-100, by the rubric's weights.")
    relevance_to_question: int = Field(ge=0, le=100)
    relevance_to_job_description: int | None = Field(
        ge=0, le=100, description="null when no job description is given."
    )
    shared_terms: list[str] = Field(
        max_length=12, description="Key terms of the question or job description the answer uses."
    )
    confidence_score: int = Field(ge=0, le=100)
    hedge_quotes: list[str] = Field(max_length=12, description="Each hedge, copied verbatim.")
    self_correction_quotes: list[str] = Field(
        max_length=12, description="Each restart or self-correction, copied verbatim."
    )
    enthusiasm_score: int = Field(ge=0, le=100)
    energetic_quotes: list[str] = Field(
        default=[], max_length=12, description="Words that show energy or enthusiasm, copied verbatim."
    )
    feedback: list[FeedbackNote] = Field(min_length=1, max_length=4)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with ``$ref``s replaced by their definitions and titles dropped."""
    definitions = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: walk(value) for key, value in node.items() if key not in {"$defs", "title"}}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


TOOL: ToolParam = {
    "name": TOOL_NAME,
    "description": "Record the analysis of one interview answer; quotes copied verbatim from the answer.",
    "input_schema": _inlined(AnswerJudgement.model_json_schema()),
}

RUBRIC = """\
You review one answer from a real job interview, transcribed from speech, and record your \
analysis with the record_answer_analysis tool. The candidate reads your notes afterwards to \
improve. Judge only what the transcript says; never invent facts about the candidate.

QUOTES. Every quote you give (STAR evidence, hedges, self-corrections, energetic words, the \
quote of a feedback note) must be copied verbatim from the answer: the same words in the \
same order, a phrase or a whole sentence, never paraphrased, never joined from two places. \
The quotes are located in the recording to show the candidate the moment; a quote that is \
not in the answer is discarded, and a STAR part whose quotes are all discarded counts as \
missing.

STAR STRUCTURE. A behavioural answer should tell a story in four parts:
- situation: the context: where and when, the team, the state of things ("At my last job \
our billing service kept failing", "in 2022", "we were migrating to Kafka").
- task: the candidate's responsibility, goal or the challenge ("I was responsible for", \
"my goal was", "I needed to", "the challenge was").
- action: what the candidate personally did, in concrete steps ("I wrote a script", "I \
organised a meeting", "I profiled the query"). "We" counts only when the candidate's own \
part is clear; feelings and states ("I was nervous") are not actions. For questions about \
how the candidate works or would act, concrete habits and plans count ("I start by \
checking the logs", "I would first talk to the client").
- result: what came of it, ideally measured ("cut the build time from 20 to 5 minutes", \
"errors dropped by 30%", "the client renewed"), or what the candidate learned.
A sentence may carry several parts. star_score weighs the parts present: situation 20, \
task 20, action 30, result 30 (a complete answer scores 100); take off up to 10 points \
from a part that is present but vague (an action with no concrete step, a result with no \
outcome).

RELEVANCE (0-100). relevance_to_question: does the answer address what was asked? 90-100 \
answers it directly with a fitting example; 60-89 answers it with detours; 30-59 touches it \
only in part; below 30 talks about something else. relevance_to_job_description: how far \
the skills and experience shown match the job description (null when none is given). \
shared_terms: the key terms (skills, tools, topics) of the question or job description \
that the answer uses, lower case, at most 12.

CONFIDENCE (0-100). Start at 100 and take off for hedges and self-corrections, more for \
many in a short answer (about 6 points per hedge and 5 per self-correction per 100 words). \
Hedges soften a claim: "I think", "I guess", "maybe", "probably", "sort of", "kind of" \
(not the noun "what kind of"), "I'm not sure", "I don't know", "perhaps", "I believe", "I \
suppose". Self-corrections: a word said twice in a row, a restart ("we — I"), "I mean", \
"sorry," or "or rather" mid-answer. Quote each occurrence on its own, as short as the \
hedge itself ("I think", not the sentence).

ENTHUSIASM (0-100). 30 for a flat, factual answer; more for genuine energy: words like \
"excited", "love", "proud", "fantastic", exclamations, eagerness about the work or the \
role; quote the energetic words.

FEEDBACK. One to four notes, most useful first, each one short sentence the candidate can \
act on in their next interview: what to add, cut or say differently (for example "End \
with the result: say how much faster the builds were."). Name the concrete gap, not a \
general virtue. Give in quote the words of the answer the note is about, or null when it \
is about the answer as a whole; do not write times, they are added from the quote.
"""


#: The shared instructions, cached: every turn's request starts with the same tools and system.
SYSTEM_BLOCK: TextBlockParam = {"type": "text", "text": RUBRIC, "cache_control": {"type": "ephemeral"}}


def user_message(turn: AnswerTurn, job_description: str | None) -> str:
    job = (
        f"<job_description>\n{job_description.strip()}\n</job_description>"
        if job_description and job_description.strip()
        else "No job description was given: set relevance_to_job_description to null."
    )
    return (
        f"<question>\n{turn.question.strip()}\n</question>\n\n<answer>\n{turn.answer.strip()}\n</answer>\n\n"
        f"{job}\n\nRecord your analysis of this answer with {TOOL_NAME}."
    )
