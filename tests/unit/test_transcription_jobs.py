"""A transcription job keeps the interview.uploaded event it came from, whole, through the
table's changelog (JSON) and back: its dead letter carries the original bytes, and the
transcription continues the event's trace."""

from __future__ import annotations

from types import SimpleNamespace

from streams.transcription_jobs import Job

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_a_job_survives_its_changelog_encoding_with_the_source_record_intact() -> None:
    message = SimpleNamespace(
        topic="t-interview.uploaded",
        partition=4,
        offset=17,
        key=b"interview-1",
        value=b"\x00\x00\x00\x00\x01\xff avro",
        headers=[("traceparent", TRACEPARENT.encode()), ("x-request-id", b"r-1")],
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
    assert again.trace_headers == {"traceparent": TRACEPARENT}


def test_a_job_stored_before_jobs_kept_their_trace_still_loads() -> None:
    stored = Job("interview-3", "t-interview.uploaded", 1, 2, b"k", b"v", 123)
    earlier = stored.dumps().replace(b',"trace_headers":{}', b"")
    assert b"trace_headers" not in earlier
    assert Job.loads(earlier) == stored


def test_a_tombstone_like_message_without_a_key_is_keyed_by_its_interview() -> None:
    message = SimpleNamespace(
        topic="t-interview.uploaded", partition=0, offset=0, key=None, value=b"v", headers=None
    )
    assert Job.of("interview-2", message).key == b"interview-2"  # type: ignore[arg-type]
