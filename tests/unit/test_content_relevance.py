"""Lexical relevance of an answer to its question and to the job description."""

from __future__ import annotations

from analysis.content.relevance import content_stems, score_relevance


def test_word_forms_and_prompt_words_fold_away() -> None:
    assert content_stems("Tell me about a time you migrated the databases") == content_stems(
        "database migrating"
    )


def test_an_answer_on_the_question_scores_above_one_off_it() -> None:
    question = "Walk me through a database migration you led."
    on_topic = score_relevance("We migrated the billing database to Postgres with no downtime.", question)
    off_topic = score_relevance("I enjoy hiking and cooking at the weekend.", question)
    assert on_topic.score > 50 and off_topic.score == 0
    assert on_topic.shared_terms == ["databas", "migrat"]
    assert on_topic.to_job_description is None


def test_the_job_description_weighs_in_when_given() -> None:
    question = "Tell me about a project you are proud of."
    answer = "I built a Kafka pipeline for fraud alerts."
    with_job = score_relevance(
        answer, question, "Backend engineer: Kafka, stream processing, fraud detection."
    )
    without_job = score_relevance(answer, question)
    assert with_job.to_job_description is not None and with_job.to_job_description > 50
    assert with_job.score > without_job.score
