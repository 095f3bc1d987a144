"""STAR structure of an answer: situation, task, action, result, with evidence and times.

Each sentence of the answer is read on its own and may carry several parts ("At my last
job I was responsible for billing" sets the situation and the task). The rules, on the
lower-cased sentence:

situation
  a setting phrase ("at my last job", "in my previous role", "when I was working at",
  "back in 2022", "a few years ago", "last year", "during the pandemic", "at the time"),
  a past-context clause ("we were", "the team was", "our service was", "there were"), or a
  time or place ("in March", "in 2021", "at a startup").
task
  a responsibility or goal ("I was responsible for", "my goal was", "I needed to", "we had
  to", "the challenge was", "I was asked to", "my job was", "I wanted to").
action
  "I" or "we" (an adverb may sit between) followed by an action verb in the past tense
  from :data:`ACTION_VERBS`, or a first-person present habit ("I start by", "I check") and
  conditional plan ("I would", "I'd bring") when the question asks how they work.
  Stative verbs (was, felt, liked) and result verbs are not actions.
result
  an outcome phrase ("as a result", "in the end", "which led to", "ended up", "by the end
  of"), "we/I/it" followed by a change verb ("reduced", "increased", "saved", "cut",
  "dropped", "went from"), "I learned", a figure with a unit of change (%, percent,
  dollars, "times", "x faster") or "from ... to ...".

Score (0-100): the parts present, weighted situation 20, task 20, action 30, result 30:
interviewers mostly miss what the candidate did and what came of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.content.sentences import TimedSentence, segment_from_text, split_sentences

STAR_PARTS = ("situation", "task", "action", "result")
PART_WEIGHTS = {"situation": 20, "task": 20, "action": 30, "result": 30}

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
SITUATION_PATTERNS = (
    r"\b(at|in) (my|our) (last|previous|current|old|first|second|former) "
    r"(job|role|company|position|team|year)",
    r"\bwhen i (was|worked|joined|started)\b",
    r"\bwhile i was\b",
    r"\b(i|we) (was|were) working (at|on|as|for|in)\b",
    r"\bi worked (at|as|for|in)\b",
    r"\bback in\b",
    r"\b(a few|two|three|several|many|some) (years|months|weeks) ago\b",
    r"\b(last|this) (year|spring|summer|autumn|fall|winter|quarter|month)\b",
    r"\b(during|early in|at the start of|at the time)\b",
    r"\b(we|they) were (building|working|trying|using|running|moving|growing|losing)\b",
    r"\b(the|our|my) (team|company|service|system|client|customer|product|pipeline|warehouse|"
    r"startup|app|website|launch|manager|office) (was|were|had|kept)\b",
    r"\bthere (was|were)\b",
    # Any "the/our/my + noun phrase + past be/had" describes how things were, except the
    # goal/task nouns, which state the task.
    r"^(\w+ )?(the|our|my) (?!goal|task|job|role|aim|objective|challenge|mission|brief|result|outcome)"
    r"(\w+ ){1,2}(was|were|had|kept)\b",
    r"\bnobody (owned|knew)\b",
    r"\b(we|i) (had(?! to)|inherited|joined)\b",
    rf"\bin ({_MONTHS}|(19|20)\d\d)\b",
    r"\bat (a|an) [a-z ]{0,20}(startup|company|agency|bank|consultancy|firm|hospital|school)\b",
    r"\bwhen the\b",
)
TASK_PATTERNS = (
    r"\b(i was|i am|i'm) (responsible|in charge|tasked|asked|the on-call|the lead|the owner)",
    r"\bresponsible for\b",
    r"\b(my|our|the) (goal|task|job|role|aim|objective|challenge|problem|mission|brief) (was|is)\b",
    r"\bit was my (job|responsibility|task|role)\b",
    r"\b(i|we) (needed|had|wanted|was asked|were asked) to\b",
    r"\basked me to\b",
    r"\bso that i could\b",
    r"\b(i|we) had until\b",
)
ACTION_VERBS = frozenset(
    """
    built led wrote decided talked organised organized created designed implemented started ran
    introduced proposed reached met analysed analyzed investigated rewrote refactored migrated
    automated coordinated scheduled trained mentored negotiated presented tested fixed debugged
    added removed split prioritised prioritized asked called gathered reviewed documented
    deployed changed convinced spoke sat pushed drafted prototyped measured profiled escalated
    delegated hired interviewed restructured simplified set booked worked paired walked posted
    paged rolled mapped audited recorded arranged spent moved compared reproduced deleted told
    restored chose took went grouped cut replaced launched shipped configured installed
    contacted emailed explained helped planned researched tracked monitored ran
    organised facilitated held hosted led brought collected divided assigned created found
    traced read dug drove visited
""".split()
)
RESULT_PATTERNS = (
    r"\bas a result\b",
    r"\bin the end\b",
    r"\b(by|at) the end of\b",
    r"\bended up\b",
    r"\b(which|that|this) (led|resulted|meant)\b",
    r"\bresulted in\b",
    r"\bthe (result|outcome|impact) (was|is)\b",
    r"\b(ultimately|eventually|afterwards|since then)\b",
    r"\b(we|i|it|they|that|this|the \w+) (reduced|increased|saved|improved|cut|grew|doubled|"
    r"halved|delivered|won|achieved|passed|signed|hit|dropped|stopped|renewed|became|started "
    r"replying|got|handled|shipped on time)\b",
    r"\b(dropped|fell|rose|grew|went up|went down|went from|sped up) ",
    r"\b(i|we) learn(ed|t)\b",
    r"\bthing i learned\b",
    r"\b\d[\d.,]*\s*(%|percent|per cent|x\b|times\b|dollars|pounds|euros|million|thousand)",
    r"[$£€]\s?\d",
    r"\bby (half|a third|a quarter)\b",
    r"\b(twice|three times|four times|ten times) (as|the|faster|more|fewer|less)\b",
    r"\bfrom [\w ]{1,20} to [\w ]{1,20}",
    r"\b(now|today) (every|all|new|we|our)\b",
    r"\b(thank-you|thank you note|thanked|called out|promoted|made it faster|worked well)\b",
    r"\b(sign-ups|signups|no major findings|without errors|the largest|stopped paging)\b",
)
# Habits and plans describe action when the question asks how the candidate works.
# "I'd love to" and "I would be thrilled" are wishes, not plans.
HABITUAL_ACTION = re.compile(
    r"\b(i|we) (start|check|try|look|first|usually|always)\b"
    r"|\b(i would|i'd|we would|we'd) (?!love|like|be|enjoy|say|prefer|want|hope)\w+"
)

_SITUATION = tuple(re.compile(pattern) for pattern in SITUATION_PATTERNS)
_TASK = tuple(re.compile(pattern) for pattern in TASK_PATTERNS)
_RESULT = tuple(re.compile(pattern) for pattern in RESULT_PATTERNS)
# "I", optionally an adverb or two, then the verb ("I then wrote", "we quickly built").
_ACTOR_VERB = re.compile(r"\b(i|we)\s+(?:(?:\w+ly|then|also|first|just|sort of|kind of)\s+){0,2}(\w+)")


def _has_action(text: str) -> bool:
    if any(match.group(2) in ACTION_VERBS for match in _ACTOR_VERB.finditer(text)):
        return True
    return HABITUAL_ACTION.search(text) is not None


def sentence_parts(text: str) -> set[str]:
    """The STAR parts one sentence carries."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    parts: set[str] = set()
    if any(pattern.search(lowered) for pattern in _SITUATION):
        parts.add("situation")
    if any(pattern.search(lowered) for pattern in _TASK):
        parts.add("task")
    if _has_action(lowered):
        parts.add("action")
    if any(pattern.search(lowered) for pattern in _RESULT):
        parts.add("result")
    return parts


@dataclass(frozen=True)
class Evidence:
    text: str
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class StarAnalysis:
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    """Part -> the sentences that carry it; a missing part has an empty list."""

    def present(self, part: str) -> bool:
        return bool(self.evidence.get(part))

    @property
    def missing(self) -> list[str]:
        return [part for part in STAR_PARTS if not self.present(part)]

    @property
    def score(self) -> int:
        return sum(PART_WEIGHTS[part] for part in STAR_PARTS if self.present(part))

    def to_dict(self) -> dict[str, Any]:
        parts = {
            part: {
                "present": self.present(part),
                "evidence": [item.to_dict() for item in self.evidence.get(part, [])],
            }
            for part in STAR_PARTS
        }
        return {**parts, "score": self.score}


def analyze_star(sentences: Sequence[TimedSentence]) -> StarAnalysis:
    """STAR parts of an answer given as timed sentences, each part with its evidence."""
    evidence: dict[str, list[Evidence]] = {part: [] for part in STAR_PARTS}
    for sentence in sentences:
        for part in sentence_parts(sentence.text):
            evidence[part].append(Evidence(sentence.text, sentence.start, sentence.end))
    return StarAnalysis(evidence)


def analyze_star_text(answer: str) -> StarAnalysis:
    """STAR parts of a typed answer (practice chat); times count from the first word."""
    return analyze_star(split_sentences([segment_from_text(answer)]))
