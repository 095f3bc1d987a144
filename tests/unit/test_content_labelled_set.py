"""The offline content analyzers against the hand-labelled set in tests/data/content/.

Precision, recall and F1 are printed (``pytest -s``) and held to issue 4's targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.content.confidence import analyze_confidence
from analysis.content.embeddings import shared_embedder
from analysis.content.questions import text_is_question
from analysis.content.relevance import score_relevance
from analysis.content.sentences import segment_from_text, split_sentences
from analysis.content.star import STAR_PARTS, analyze_star_text

DATA = Path(__file__).parents[1] / "data" / "content"
#: An answer at least this relevant to its question (0-100) counts as on topic.
RELEVANT = 20


def _load(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))


def precision_recall_f1(predicted: list[bool], labelled: list[bool]) -> tuple[float, float, float]:
    true_positives = sum(p and t for p, t in zip(predicted, labelled, strict=True))
    precision = true_positives / max(sum(predicted), 1)
    recall = true_positives / max(sum(labelled), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _report(name: str, scores: tuple[float, float, float], size: int) -> None:
    precision, recall, f1 = scores
    print(f"\n{name:<20} P={precision:.2f} R={recall:.2f} F1={f1:.2f}  (n={size})")


def test_the_labelled_set_is_big_enough_to_mean_something() -> None:
    answers, utterances = _load("answers.yaml"), _load("utterances.yaml")
    assert len(answers) >= 40 and len(utterances) >= 40
    for part in STAR_PARTS:
        labels = [answer["star"][part] for answer in answers]
        assert 5 <= sum(labels) <= len(labels) - 5, f"{part}: too few answers with or without it"
    assert any(not answer["on_topic"] for answer in answers)
    assert any(not answer["confident"] for answer in answers)


@pytest.mark.parametrize("part", STAR_PARTS)
def test_star_part_detection_reaches_f1_0_8(part: str) -> None:
    answers = _load("answers.yaml")
    predicted = [analyze_star_text(answer["answer"]).present(part) for answer in answers]
    scores = precision_recall_f1(predicted, [answer["star"][part] for answer in answers])
    _report(f"STAR {part}", scores, len(answers))
    assert scores[2] >= 0.8


def test_question_detection_reaches_f1_0_9() -> None:
    utterances = _load("utterances.yaml")
    predicted = [text_is_question(utterance["text"]) for utterance in utterances]
    scores = precision_recall_f1(predicted, [utterance["question"] for utterance in utterances])
    _report("question detection", scores, len(utterances))
    assert scores[2] >= 0.9


def test_hedging_answers_score_lower_confidence_than_assured_ones() -> None:
    answers = _load("answers.yaml")
    scored = [
        (
            analyze_confidence(split_sentences([segment_from_text(answer["answer"])])).score,
            answer["confident"],
        )
        for answer in answers
    ]
    predicted = [score >= 60 for score, _ in scored]
    scores = precision_recall_f1(predicted, [confident for _, confident in scored])
    _report("confident (>= 60)", scores, len(scored))
    assert scores[2] >= 0.9


def test_relevance_by_meaning_tells_on_topic_from_off_topic_answers() -> None:
    answers = _load("answers.yaml")
    embedder = shared_embedder()
    scored = [
        (
            score_relevance(answer["answer"], answer["question"], embedder=embedder).to_question,
            answer["on_topic"],
        )
        for answer in answers
    ]
    predicted = [score >= RELEVANT for score, _ in scored]
    scores = precision_recall_f1(predicted, [on_topic for _, on_topic in scored])
    _report(f"on topic (>= {RELEVANT})", scores, len(scored))
    assert scores[2] >= 0.9
    off_topic = [score for score, on_topic in scored if not on_topic]
    on_topic = [score for score, on_topic in scored if on_topic]
    assert max(off_topic) < RELEVANT < sum(on_topic) / len(on_topic)


def test_off_topic_answers_score_no_relevance_by_words_alone() -> None:
    # Lexical overlap misses paraphrase (most on-topic answers share no word with their
    # question), so this only holds that off-topic answers never look relevant by words.
    answers = _load("answers.yaml")
    scores: dict[bool, list[int]] = {True: [], False: []}
    for answer in answers:
        scores[answer["on_topic"]].append(score_relevance(answer["answer"], answer["question"]).score)
    on_topic_mean = sum(scores[True]) / len(scores[True])
    off_topic_mean = sum(scores[False]) / len(scores[False])
    print(f"\nrelevance            on-topic mean={on_topic_mean:.0f} off-topic mean={off_topic_mean:.0f}")
    assert max(scores[False]) == 0 < on_topic_mean
