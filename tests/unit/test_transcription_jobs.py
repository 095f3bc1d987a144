"""A transcription job keeps the interview.uploaded event it came from, whole, through the
table's changelog (JSON) and back: its dead letter carries the original bytes."""

from __future__ import annotations

from types import SimpleNamespace

from streams.transcription_jobs import Job


def test_a_job_survives_its_changelog_encoding_with_the_source_record_intact() -> None:
    message = SimpleNamespace(
        topic="t-interview.uploaded",
        partition=4,
        offset=17,
        key=b"interview-1",
        value=b"\x00\x00\x00\x00\x01\xff avro",
    )
    job = Job.of("interview-1", message)  # type: ignore[arg-type]

    again = Job.loads(job.dumps())

    assert again == job
    assert (again.topic, again.partition, again.offset, again.key, again.value) == (
        "t-interview.uploaded",
        4,
        17,
        b"interview-1",
        b"\x00\x00\x00\x00\x01\xff avro",
    )
    assert again.tp == ("t-interview.uploaded", 4)


def test_a_tombstone_like_message_without_a_key_is_keyed_by_its_interview() -> None:
    message = SimpleNamespace(topic="t-interview.uploaded", partition=0, offset=0, key=None, value=b"v")
    assert Job.of("interview-2", message).key == b"interview-2"  # type: ignore[arg-type]
