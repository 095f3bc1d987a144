"""`ib ops dead-letters list | show | redrive` against the real worker: an operator reads a dead
letter, sends it back once its cause is fixed and the worker processes it; redriving it again
sends nothing; a letter that is still poison comes back as a new dead letter; bad input is
refused saying why."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from typer.testing import CliRunner

from dev.cli import app
from dev.dead_letter_redrive import read_all
from dev.polling import wait_until
from dev.service_processes import ServiceProcess
from dev.topic_records import codec, produce
from tests.integration.test_dead_letters import POISON, segment_event
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS, dead_letter_topic

pytestmark = pytest.mark.stack

DLQ = dead_letter_topic(TRANSCRIPT_SEGMENTS)


def letter(worker: ServiceProcess, interview_id: str, value: bytes) -> dict[str, Any]:
    """A dead letter as the worker writes one, for a segment that failed for a cause now fixed."""
    return {
        "source_topic": TRANSCRIPT_SEGMENTS.full_name(worker.topic_prefix),
        "source_partition": 0,
        "source_offset": 0,
        "key": interview_id.encode(),
        "value": value,
        "error_type": "OperationalError",
        "error_message": "the database was restarting",
        "attempts": 3,
        "consumer": "measure_speech",
        "failed_at": int(time.time() * 1000),
    }


def ops(worker: ServiceProcess, *args: str) -> tuple[int, str]:
    common = ["--bootstrap", worker.kafka_bootstrap, "--prefix", worker.topic_prefix]
    result = CliRunner().invoke(app, ["ops", "dead-letters", *args, *common])
    return result.exit_code, result.output


def letters_of(worker: ServiceProcess, interview_id: str) -> list[tuple[int, int, dict[str, Any]]]:
    found = asyncio.run(
        read_all(
            worker.kafka_bootstrap,
            DLQ.full_name(worker.topic_prefix),
            codec,
            DLQ.value_schema,
        )
    )
    return [
        (one.partition, one.offset, one.record) for one in found if one.record["key"] == interview_id.encode()
    ]


def metrics_of(worker: ServiceProcess, interview_id: str) -> list[dict[str, Any]]:
    found = asyncio.run(
        read_all(
            worker.kafka_bootstrap,
            SEGMENT_METRICS.full_name(worker.topic_prefix),
            codec,
            SEGMENT_METRICS.value_schema,
        )
    )
    return [one.record for one in found if one.record["interview_id"] == interview_id]


def test_a_fixed_letter_goes_back_once_and_a_poison_one_comes_back_as_a_new_letter(
    worker: ServiceProcess,
) -> None:
    fixed, poison = f"redrive-{uuid.uuid4().hex[:8]}", f"redrive-{uuid.uuid4().hex[:8]}"
    segment = codec.encode(TRANSCRIPT_SEGMENTS.value_schema, segment_event(fixed))
    asyncio.run(
        produce(worker.kafka_bootstrap, DLQ, worker.topic_prefix, fixed, letter(worker, fixed, segment))
    )
    asyncio.run(
        produce(worker.kafka_bootstrap, DLQ, worker.topic_prefix, poison, letter(worker, poison, POISON))
    )
    [(partition, offset, _)] = letters_of(worker, fixed)

    code, listed = ops(worker, "list", "transcript.segments")
    assert code == 0, listed
    assert f"{partition}:{offset}" in listed and "the database was restarting" in listed
    code, shown = ops(worker, "show", "transcript.segments", f"{partition}:{offset}")
    assert code == 0, shown
    assert '"text": "Hello there."' in shown and "OperationalError" in shown

    code, output = ops(worker, "redrive", "transcript.segments", f"{partition}:{offset}")
    assert code == 0, output
    assert "1 sent back" in output
    wait_until(lambda: metrics_of(worker, fixed), 60, "the redriven segment's metrics")

    code, output = ops(worker, "redrive", "transcript.segments", "--all")
    assert code == 0, output
    assert (
        f"already sent back before, not again: {DLQ.full_name(worker.topic_prefix)}:{partition}:{offset}"
        in output
    )
    # The poison letter went back too, and each agent reading the topic dead-lettered it again.
    wait_until(lambda: len(letters_of(worker, poison)) > 1, 60, "the poison segment dead-lettered again")
    assert len(metrics_of(worker, fixed)) == 1, "the fixed segment was processed once"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["redrive", "transcript.segments"], "say which letters"),
        (["redrive", "transcript.segments", "--from", "3"], "need --partition"),
        (["redrive", "transcript.segments", "three:4"], "is not PARTITION:OFFSET"),
        (["redrive", "dead-letters.redriven", "--all"], "has no dead-letter topic"),
        (["list", "transcripts"], "not in the topic catalog"),
    ],
)
def test_bad_input_is_refused_saying_why(worker: ServiceProcess, args: list[str], says: str) -> None:
    code, output = ops(worker, *args)

    assert code == 2
    assert says in output
