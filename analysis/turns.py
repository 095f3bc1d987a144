"""Questions paired with answers while the transcript streams in: a pure fold, no Kafka.

A turn is closed when the next question starts, so it can be analysed long before the
recording ends; the final segment closes the last one. The state keeps only the segments
of the turn still open, so it stays small however long the interview. Segments are taken
once each, by ``seq``: a replay after a crash does not pair a question twice.

Segments are folded in ``seq`` order, 0 to the final one, without holes: one that comes
before a predecessor (a lost record read again later, a retried transcription) waits in the
state until the gap is filled, so the final segment never closes an interview whose
transcript has holes (the rollup fails such an interview when the gap stays open).

Turns follow speaker labels once more than one speaker is heard, unless the labels are
unsure (the offline engine's speaker split gives each a confidence): when the words' mean
confidence is under :data:`SPEAKER_CONFIDENCE_FLOOR`, turns are inferred from questions and
pauses instead and ``speakers_uncertain`` says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.content.questions import Turn, detect_turns
from analysis.runs import RunOrder, compare_runs, run_of

State = dict[str, Any]
#: Below this mean confidence (per word) in who said what, speaker labels are not followed.
SPEAKER_CONFIDENCE_FLOOR = 0.7


def new_state(run: int = 0) -> State:
    return {
        "run": run,
        "last_seq": -1,
        "next_index": 0,
        "segments": [],
        "speakers": [],
        "labelled_words": 0,
        "speaker_confidence_sum": 0.0,
        "finished": False,
        "waiting": {},
    }


@dataclass
class Folded:
    state: State
    turns: list[dict[str, Any]] = field(default_factory=list)
    """Closed turns as ``interview.turns`` fields (without ids), in order."""
    turn_count: int | None = None
    """Set when the transcript ended: the interview's number of turns (an END record follows)."""
    speakers_known: bool = False
    speakers_uncertain: bool = False
    """Several speakers were heard, but who is who is unsure (see the module's docstring)."""


def _compact(segment: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "start": float(segment["start"]),
        "end": float(segment["end"]),
        "speaker": segment.get("speaker"),
        "words": [
            {
                "word": str(word["word"]),
                "start": float(word["start"]),
                "end": float(word["end"]),
                "confidence": float(word["confidence"]),
            }
            for word in segment.get("words") or []
        ],
        "text": str(segment.get("text", "")),
    }


def _from(segments: list[dict[str, Any]], start: float) -> list[dict[str, Any]]:
    """The segments' words from ``start`` on: what the open turn is made of."""
    kept = []
    for segment in segments:
        words = [word for word in segment["words"] if word["start"] >= start - 1e-6]
        if words:
            kept.append({**segment, "start": words[0]["start"], "words": words})
    return kept


def turn_fields(
    turn: Turn,
    index: int,
    segments: list[dict[str, Any]],
    speakers_known: bool,
    speakers_uncertain: bool = False,
) -> dict[str, Any]:
    confidence = {(w["start"], w["end"]): w["confidence"] for s in segments for w in s["words"]}
    answer_words = [
        {
            "word": word.text,
            "start": word.start,
            "end": word.end,
            "confidence": confidence.get((word.start, word.end), 1.0),
        }
        for sentence in turn.answer_sentences
        for word in sentence.words
    ]
    fields = turn.to_dict()
    if not speakers_known:  # labels nobody is sure of do not say who asked
        fields.update(asker=None, answerer=None)
    return {
        **fields,
        "turn_index": index,
        "answer_words": answer_words,
        "speakers_known": speakers_known,
        "speakers_uncertain": speakers_uncertain,
    }


def _waiting_copy(segment: Mapping[str, Any]) -> dict[str, Any]:
    """What folding ``segment`` later needs of it."""
    return {
        **_compact(segment),
        "seq": int(segment["seq"]),
        "speaker_confidence": segment.get("speaker_confidence"),
        "final": bool(segment.get("final")),
    }


def fold_segment(state: State | None, segment: Mapping[str, Any]) -> Folded:
    """The interview's new state and the turns that ``segment`` closed: with the segments
    that waited for it, when it fills the gap before them. A segment of an earlier run than
    the state's is dropped; one of a later run starts the interview afresh."""
    order = compare_runs(state, segment)
    if order is RunOrder.EARLIER:
        return Folded(state or new_state())
    if state is None or order is RunOrder.LATER:
        state = new_state(run_of(segment))
    seq = int(segment["seq"])
    waiting: dict[str, Any] = state.get("waiting") or {}
    if state["finished"] or seq <= state["last_seq"] or str(seq) in waiting:
        return Folded(state)
    if seq > state["last_seq"] + 1:
        return Folded({**state, "waiting": {**waiting, str(seq): _waiting_copy(segment)}})
    waiting = dict(waiting)
    folded = _fold_next(state, segment)
    turns = list(folded.turns)
    while str(folded.state["last_seq"] + 1) in waiting and not folded.state["finished"]:
        folded = _fold_next(folded.state, waiting.pop(str(folded.state["last_seq"] + 1)))
        turns += folded.turns
    folded.state["waiting"] = {} if folded.state["finished"] else waiting
    folded.turns = turns
    return folded


def _fold_next(state: State, segment: Mapping[str, Any]) -> Folded:
    """``segment``, the one after ``state["last_seq"]``, folded in."""
    segments = [*state["segments"], _compact(segment)]
    speakers = sorted(set(state["speakers"]) | ({segment.get("speaker")} - {None}))
    labelled_words = int(state.get("labelled_words", 0))
    confidence_sum = float(state.get("speaker_confidence_sum", 0.0))
    if segment.get("speaker") is not None:
        words = len(segment.get("words") or [])
        # A speaker the engine named itself (Azure) comes without a confidence: it is sure.
        confidence = segment.get("speaker_confidence")
        labelled_words += words
        confidence_sum += words * (1.0 if confidence is None else float(confidence))
    speakers_uncertain = len(speakers) > 1 and (confidence_sum < SPEAKER_CONFIDENCE_FLOOR * labelled_words)
    speakers_known = len(speakers) > 1 and not speakers_uncertain
    turns = detect_turns(segments, speakers_known=speakers_known)
    final = bool(segment.get("final"))
    closed = turns if final else turns[:-1]
    index = state["next_index"]
    emitted = [
        turn_fields(turn, index + offset, segments, speakers_known, speakers_uncertain)
        for offset, turn in enumerate(closed)
    ]
    next_index = index + len(closed)
    if final:
        open_segments: list[dict[str, Any]] = []
    elif turns:
        open_segments = _from(segments, turns[-1].start)
    else:
        open_segments = []  # talk before the first question is not part of any turn
    new = {
        "run": run_of(state),
        "last_seq": int(segment["seq"]),
        "next_index": next_index,
        "segments": open_segments,
        "speakers": speakers,
        "labelled_words": labelled_words,
        "speaker_confidence_sum": confidence_sum,
        "finished": final,
    }
    return Folded(new, emitted, next_index if final else None, speakers_known, speakers_uncertain)
