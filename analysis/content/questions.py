"""Questions in a transcript, each paired with the answer that follows it.

A sentence is a question when any of these holds (first the exclusions):

exclusions
  - A trailing tag ("..., right?", "you know what I mean?", "isn't it?") is rhetorical: it
    is dropped, and its question mark with it.
  - "Tell me about it" is the idiom ("it was a nightmare"), not a prompt.
  - A question mark after a reported question ("I asked myself why?", "we wondered if...")
    does not count.
interview prompts
  a clause opens (after openers such as "so", "okay", "and then") with a prompt phrase:
  "tell me", "walk me through", "can you describe", "give me an example", "describe",
  "explain", "imagine", "how about", "I'd love to hear", "I'm curious"... Interviewers
  often say these without a question mark, and the ASR writes a full stop.
wh-questions
  a clause opens with a wh-word followed by an auxiliary ("what is", "how would", "where
  do"), by "how many/much/long..." and then an auxiliary, or by "which/what + noun + aux +
  subject" ("which project are you..."). A subject right after the wh-word is a statement
  ("What I did was...", "How we fixed it..."), and so is "which is why". A wh-word as
  the subject, with "you" as object, asks too ("what made you apply").
auxiliary inversion
  a clause opens with an auxiliary followed by a subject ("do you", "is there", "would
  you", "didn't they").
question mark
  the ASR ended the sentence with "?".

Pairing (:func:`detect_turns`): a question opens a turn and the sentences after it are
its answer, until the next question that opens a turn. When the engine labels speakers, a
question only opens a turn when someone other than the answerer asks it (a candidate's
own "and why? because..." stays in the answer), and the asker's acknowledgements ("Great,
thanks.") are kept out of the answer. Without speakers, the pause-and-question structure
decides: a question opens a turn only after a silence of :data:`TURN_PAUSE_SECONDS`, the
gap an interviewer leaves before asking the next question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.content.sentences import TimedSentence, segment_from_text, split_sentences

#: Silence before a question that marks a new turn when the engine gives no speakers.
TURN_PAUSE_SECONDS = 0.7

# Words an interviewer puts before the question itself ("Okay, so, and then what...").
OPENERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(opener.split())
    for opener in (
        "thank you", "moving on", "so", "okay", "ok", "great", "right", "and", "well", "now",
        "alright", "thanks", "then", "also", "um", "uh", "next", "cool", "sure", "perfect", "good",
        "lovely", "excellent", "interesting", "nice", "finally", "lastly",
    )
)  # fmt: skip
PROMPT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "tell me", "tell us", "walk me through", "walk us through", "talk me through",
        "take me through", "talk us through", "give me an example", "give me a", "give us an",
        "describe", "explain", "share an example", "i'd love to hear", "i'd like to hear",
        "i'd love to know", "i'd like to know", "i'm curious", "i am curious", "i was wondering",
        "i'd be interested", "let's talk about", "what would you do", "how would you",
        "how about", "what about", "imagine", "suppose", "say you",
    )
)  # fmt: skip
WH_WORDS = frozenset({"what", "why", "how", "where", "when", "who", "which", "whom", "whose"})
WH_CONTRACTIONS = frozenset({"what's", "how's", "where's", "who's", "why's", "when's", "what're"})
QUANTITY_WORDS = frozenset({"many", "much", "long", "often", "far", "big", "old", "soon"})
AUXILIARIES = frozenset({
    "do", "does", "did", "are", "is", "was", "were", "have", "has", "had", "can", "could",
    "would", "will", "should", "may", "might", "shall", "don't", "doesn't", "didn't", "aren't",
    "isn't", "wasn't", "weren't", "haven't", "hasn't", "can't", "couldn't", "wouldn't", "won't",
    "shouldn't",
})  # fmt: skip
SUBJECTS = frozenset({
    "you", "your", "we", "they", "he", "she", "it", "there", "that", "this", "the", "anyone",
    "anything", "i", "someone", "somebody", "people", "any", "those", "these",
    "our", "their", "his", "her", "my",
})  # fmt: skip
# A subject right after a wh-word makes a free relative ("what I did", "how we fixed it").
FREE_RELATIVE_SUBJECTS = frozenset({"i", "we", "they", "he", "she", "you", "it", "i'd", "we'd"})
RHETORICAL_TAGS: tuple[tuple[str, ...], ...] = tuple(
    tuple(tag.split())
    for tag in (
        "right", "you know", "you know what i mean", "know what i mean", "isn't it", "wasn't it",
        "yeah", "huh", "don't you think", "if that makes sense", "does that make sense",
    )
)  # fmt: skip
REPORTING_VERBS = frozenset({"asked", "wondered", "wonder", "asking", "thought", "ask"})
PRONOUNS = frozenset({"i", "we", "they", "he", "she", "my", "our"})


def _clauses(sentence: TimedSentence) -> list[list[str]]:
    """The sentence cut at commas, semicolons, colons and dashes, as lower-case words."""
    clauses: list[list[str]] = [[]]
    for word in sentence.words:
        if word.core:
            clauses[-1].append(word.core)
        if word.text[-1:] in ",;:\u2014\u2013-" or not word.core:
            clauses.append([])
    return [clause for clause in clauses if clause]


def _starts_with(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return tuple(words[: len(phrase)]) == tuple(phrase)


def _without_openers(clause: list[str]) -> list[str]:
    words = clause
    while True:
        opener = next((opener for opener in OPENERS if _starts_with(words, opener)), None)
        # A clause that is nothing but openers ("Okay, great.") keeps its last word.
        if opener is None or len(opener) >= len(words):
            return words
        words = words[len(opener) :]


def _is_prompt(words: list[str]) -> bool:
    if _starts_with(words, ("tell", "me", "about", "it")) and len(words) == 4:
        return False  # the idiom "Tell me about it, it was a nightmare"
    return any(_starts_with(words, phrase) for phrase in PROMPT_PHRASES)


def _is_wh_question(words: list[str]) -> bool:
    first, rest = words[0], words[1:]
    if first in WH_CONTRACTIONS:
        return True
    if first not in WH_WORDS or not rest or rest[0] in FREE_RELATIVE_SUBJECTS:
        return False
    if rest[0] in AUXILIARIES:
        return rest[1:2] != ["why"]  # "Which is why we moved" explains, it does not ask
    if rest[1:2] in (["you"], ["your"]):
        return True  # the wh-word is the subject: "what made you apply", "who told you"
    if first == "how" and rest[0] in QUANTITY_WORDS:
        return any(word in AUXILIARIES for word in rest[1:4])
    if first in {"which", "what", "whose"}:
        for index, word in enumerate(rest[1:4], start=1):
            if word in AUXILIARIES:
                # Inversion after the noun: "which project are you", not "which team was late".
                return index + 1 < len(rest) and rest[index + 1] in SUBJECTS
    return False


def _is_inversion(words: list[str]) -> bool:
    return len(words) > 1 and words[0] in AUXILIARIES and words[1] in SUBJECTS


def _is_reported(words: list[str]) -> bool:
    return bool(words) and words[0] in PRONOUNS and any(word in REPORTING_VERBS for word in words[1:3])


def is_question(sentence: TimedSentence) -> bool:
    """Whether the sentence asks the listener something (rules in the module docstring)."""
    clauses = _clauses(sentence)
    if not clauses:
        return False
    question_mark = sentence.ends_with_question_mark
    if any(clauses[-1] == list(tag) for tag in RHETORICAL_TAGS):
        clauses, question_mark = clauses[:-1], False
    openings = [_without_openers(clause) for clause in clauses]
    for words in openings:
        if _is_prompt(words) or _is_wh_question(words) or _is_inversion(words):
            return True
    return question_mark and bool(openings) and not _is_reported(openings[0])


def text_is_question(text: str) -> bool:
    """Whether any sentence of a typed or transcribed utterance is a question."""
    return any(is_question(sentence) for sentence in split_sentences([segment_from_text(text)]))


@dataclass
class Turn:
    """A question and the answer that follows it, with the sentences they are made of."""

    question_sentences: list[TimedSentence]
    answer_sentences: list[TimedSentence]

    @property
    def asker(self) -> str | None:
        return self.question_sentences[0].speaker

    @property
    def answerer(self) -> str | None:
        return self.answer_sentences[0].speaker if self.answer_sentences else None

    @property
    def question(self) -> str:
        return " ".join(sentence.text for sentence in self.question_sentences)

    @property
    def answer(self) -> str:
        return " ".join(sentence.text for sentence in self.answer_sentences)

    @property
    def start(self) -> float:
        return self.question_sentences[0].start

    @property
    def end(self) -> float:
        return (self.answer_sentences or self.question_sentences)[-1].end

    def to_dict(self) -> dict[str, Any]:
        answer_start = self.answer_sentences[0].start if self.answer_sentences else None
        return {
            "question": self.question,
            "answer": self.answer,
            "start": self.start,
            "end": self.end,
            "question_end": self.question_sentences[-1].end,
            "answer_start": answer_start,
            "asker": self.asker,
            "answerer": self.answerer,
        }


def _opens_turn(sentence: TimedSentence, current: Turn, speakers_known: bool) -> bool:
    if speakers_known:
        return sentence.speaker != current.answerer
    return sentence.pause_before >= TURN_PAUSE_SECONDS


def detect_turns(segments: Sequence[Mapping[str, Any]], speakers_known: bool | None = None) -> list[Turn]:
    """The interview's question/answer turns, in order; talk before the first question is left out.

    ``speakers_known``: whether turns follow speaker labels; by default, when the segments
    name more than one speaker (a caller that sees the transcript in parts says so itself).
    """
    sentences = split_sentences(segments)
    if speakers_known is None:
        speakers_known = len({sentence.speaker for sentence in sentences} - {None}) > 1
    turns: list[Turn] = []
    for sentence in sentences:
        current = turns[-1] if turns else None
        asked = is_question(sentence)
        if current is None:
            if asked:
                turns.append(Turn([sentence], []))
            continue
        still_asking = not current.answer_sentences and (
            sentence.speaker == current.asker if speakers_known else asked
        )
        if still_asking:
            current.question_sentences.append(sentence)
        elif asked and _opens_turn(sentence, current, speakers_known):
            turns.append(Turn([sentence], []))
        elif not (speakers_known and sentence.speaker == current.asker):
            # The asker's "Great, thanks." between answer and next question is not answer.
            current.answer_sentences.append(sentence)
    return turns
