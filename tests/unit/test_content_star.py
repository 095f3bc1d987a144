"""STAR parts of an answer, with the sentences and moments they come from."""

from __future__ import annotations

import pytest

from analysis.content.sentences import segment_from_text, split_sentences
from analysis.content.star import analyze_star, analyze_star_text, sentence_parts

FULL_ANSWER = (
    "At my last job the team was missing every deadline. I was responsible for the release "
    "process. I automated the build and I set up a weekly planning meeting. As a result we "
    "shipped on time for six months."
)


def test_a_full_star_answer_scores_100_with_evidence_for_each_part() -> None:
    star = analyze_star(split_sentences([segment_from_text(FULL_ANSWER, start=30.0)]))
    assert star.score == 100 and star.missing == []
    assert star.evidence["situation"][0].text == "At my last job the team was missing every deadline."
    assert star.evidence["result"][0].text.startswith("As a result")
    assert star.evidence["situation"][0].start == 30.0
    assert star.evidence["action"][0].start > star.evidence["task"][0].start


def test_an_answer_without_a_result_says_so_and_loses_its_weight() -> None:
    star = analyze_star_text(
        "Last year our API was slow. My goal was to fix it. I profiled it and I added a cache."
    )
    assert star.missing == ["result"]
    assert star.score == 70
    assert star.to_dict()["result"] == {"present": False, "evidence": []}


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        ("We reduced latency by 40%.", {"result"}),
        ("I needed to cut costs before the audit.", {"task"}),
        ("I quickly wrote a migration script.", {"action"}),
        ("Back in 2021 we were growing fast.", {"situation"}),
        ("I was happy with it.", set()),
        ("I'd love to work here.", set()),
    ],
)
def test_each_sentence_is_read_for_the_parts_it_carries(sentence: str, parts: set[str]) -> None:
    assert sentence_parts(sentence) == parts
