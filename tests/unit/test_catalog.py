"""The topic catalog is the one source of topic facts: check it holds together."""

from __future__ import annotations

from topics.catalog import ALL_TOPICS, DEAD_LETTER_TOPICS, INTERVIEW_PARTITIONS, TOPICS, by_name
from topics.schemas import current_schemas


def test_names_are_unique() -> None:
    names = [spec.name for spec in ALL_TOPICS]
    assert len(names) == len(set(names))


def test_every_value_schema_exists() -> None:
    for spec in ALL_TOPICS:
        assert spec.value_schema in current_schemas(), spec.name


def test_per_interview_topics_are_co_partitioned() -> None:
    """All events of one interview land on one partition number of every topic."""
    for spec in ALL_TOPICS:
        if spec.key == "interview_id":
            assert spec.partitions == INTERVIEW_PARTITIONS, spec.name


def test_every_input_topic_has_a_dead_letter_topic() -> None:
    dead_letter_names = {spec.name for spec in DEAD_LETTER_TOPICS}
    for spec in TOPICS:
        assert f"{spec.name}.dlq" in dead_letter_names
    assert by_name("interview.uploaded.dlq").value_schema == "interviewbuddy.events.DeadLetter"


def test_compacted_topics_keep_no_retention_limit_and_others_do() -> None:
    for spec in ALL_TOPICS:
        config = spec.broker_config()
        assert config["cleanup.policy"] == spec.cleanup_policy
        assert ("retention.ms" in config) == (spec.cleanup_policy == "delete")


def test_prefix_makes_test_topics_their_own() -> None:
    assert by_name("transcript.segments").full_name("t-1234-") == "t-1234-transcript.segments"
