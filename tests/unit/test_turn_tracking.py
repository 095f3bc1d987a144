"""Questions are paired with answers while the transcript streams in, each turn once."""

from __future__ import annotations

from typing import Any

from analysis.content.questions import detect_turns
from analysis.content.sentences import segment_from_text
from analysis.turns import fold_segment

SCRIPT = [
    "Thanks for coming in. Tell me about a time you missed a deadline.",
    "Last year I promised a report by Friday. I wrote a plan and shipped it on Monday.",
    "We cut the delay in half after that.",
    "How would you handle an angry customer?",
    "I would listen first and then offer a fix.",
    "What questions do you have for us?",
    "None for now, thank you.",
]


def segments(lines: list[str] = SCRIPT) -> list[dict[str, Any]]:
    """One segment per line, two seconds of silence between them."""
    out, start = [], 0.0
    for seq, line in enumerate(lines):
        segment = segment_from_text(line, start=start)
        out.append({**segment, "seq": seq, "final": seq == len(lines) - 1})
        start = segment["end"] + 2.0
    return out


def stream(
    parts: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[int | None], dict[str, Any] | None]:
    state, emitted, counts = None, [], []
    for segment in parts:
        folded = fold_segment(state, segment)
        state = folded.state
        emitted += folded.turns
        counts.append(folded.turn_count)
    return emitted, counts, state


def test_streamed_turns_are_the_turns_of_the_whole_transcript() -> None:
    emitted, counts, _ = stream(segments())
    whole = detect_turns(segments())
    assert [t["question"] for t in emitted] == [t.question for t in whole]
    assert [t["answer"] for t in emitted] == [t.answer for t in whole]
    assert [t["turn_index"] for t in emitted] == [0, 1, 2]
    assert counts[-1] == 3 and counts[:-1] == [None] * (len(SCRIPT) - 1)


def test_a_turn_is_emitted_as_soon_as_the_next_question_starts() -> None:
    state = None
    emitted_at = {}
    for segment in segments():
        folded = fold_segment(state, segment)
        state = folded.state
        for turn in folded.turns:
            emitted_at[turn["turn_index"]] = segment["seq"]
    assert emitted_at == {0: 3, 1: 5, 2: 6}


def test_answer_words_keep_their_times_and_confidences() -> None:
    emitted, _, _ = stream(segments())
    first = emitted[0]
    assert first["answer_words"][0]["word"] == "Last"
    assert first["answer_start"] == first["answer_words"][0]["start"]
    assert all(word["confidence"] == 1.0 for word in first["answer_words"])
    assert first["speakers_known"] is False


def test_a_replayed_segment_pairs_nothing_twice() -> None:
    parts = segments()
    replayed = [*parts[:4], parts[2], parts[3], *parts[4:]]
    emitted, _, _ = stream(replayed)
    assert [t["turn_index"] for t in emitted] == [0, 1, 2]


def test_the_open_turn_is_all_the_state_keeps() -> None:
    _, _, state = stream(segments()[:5])
    assert state is not None
    kept = " ".join(s["text"] for s in state["segments"])
    assert "deadline" not in " ".join(w["word"] for s in state["segments"] for w in s["words"])
    assert state["segments"][0]["words"][0]["word"] == "How", kept


def test_a_transcript_without_questions_ends_with_zero_turns() -> None:
    emitted, counts, _ = stream(segments(["I like long walks.", "The weather was fine."]))
    assert emitted == [] and counts[-1] == 0


def test_speaker_labels_when_the_engine_gives_them() -> None:
    parts = segments(["Why do you want this job?", "Because I love building tools."])
    parts[0]["speaker"], parts[1]["speaker"] = "Guest-1", "Guest-2"
    emitted, _, _ = stream(parts)
    assert emitted[0]["asker"] == "Guest-1" and emitted[0]["answerer"] == "Guest-2"
    assert emitted[0]["speakers_known"] is True


def test_a_final_segment_before_its_predecessors_closes_nothing_until_they_come() -> None:
    parts = segments()
    late = parts[:3]
    state, emitted = None, []
    for segment in parts[3:]:
        folded = fold_segment(state, segment)
        state = folded.state
        emitted += folded.turns
        assert folded.turn_count is None  # the final segment does not end a transcript with holes
    assert emitted == []
    counts = []
    for segment in late:
        folded = fold_segment(state, segment)
        state = folded.state
        emitted += folded.turns
        counts.append(folded.turn_count)
    whole, _, _ = stream(parts)
    assert emitted == whole
    assert counts == [None, None, 3]
    assert state is not None and state["finished"] and state["waiting"] == {}


def test_a_segment_waiting_for_its_predecessor_is_taken_once() -> None:
    parts = segments()
    shuffled = [parts[0], parts[2], parts[2], parts[1], parts[1], *parts[3:]]
    emitted, counts, _ = stream(shuffled)
    whole, _, _ = stream(parts)
    assert emitted == whole
    assert counts[-1] == 3 and counts[:-1] == [None] * (len(shuffled) - 1)


def test_a_state_stored_before_segments_could_wait_still_folds() -> None:
    parts = segments()
    _, _, state = stream(parts[:2])
    assert state is not None
    del state["waiting"]  # as an open turn stored by an earlier version
    held = fold_segment(state, parts[3])
    assert held.turns == [] and held.state["last_seq"] == 1
    folded = fold_segment(held.state, parts[2])
    assert folded.state["last_seq"] == 3 and folded.state["waiting"] == {}
