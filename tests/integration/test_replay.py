"""`ib replay` on the real broker: an analyst gets a topic's records between two offsets or two
moments, from every partition or one, decoded, as JSON lines or Parquet, with key, partition,
offset, timestamp and headers; a record that does not decode is kept with its bytes; no
consumer group is made or moved; and each bad input is refused, saying why."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from typer.testing import CliRunner

from dev.cli import app
from dev.replay.avro_arrow import BatchDecoder
from topics.admin import delete_prefixed_topics, ensure_topics
from topics.catalog import TRANSCRIPT_SEGMENTS
from topics.codec import AvroCodec

pytestmark = pytest.mark.stack

#: The records' CreateTime: one a minute from this moment on.
FIRST_MOMENT_MS = int(datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp() * 1000)
MINUTE_MS = 60_000
PARTITIONS = (0, 1, 2)
PER_PARTITION = 4
POISON_PARTITION, POISON_OFFSET = 2, PER_PARTITION  # the last record of partition 2


def segment(interview_id: str, seq: int) -> dict[str, Any]:
    words = [{"word": "hello", "start": 0.0, "end": 0.4, "confidence": 0.9}]
    return {
        "interview_id": interview_id,
        "user_id": "replay-user",
        "seq": seq,
        "start": float(seq),
        "end": seq + 0.4,
        "text": f"segment {seq}",
        "words": words,
        "confidence": 0.9,
        "speaker": "candidate" if seq % 2 else None,
        "language": "en",
        "engine": "test",
        "audio_duration": 60.0,
        "processed_seconds": seq + 1.0,
        "elapsed_seconds": 0.5,
        "final": False,
    }


@dataclass
class Seeded:
    prefix: str
    bootstrap: str
    #: (partition, offset) -> (moment in ms, the value written)
    written: dict[tuple[int, int], tuple[int, dict[str, Any]]]

    def replay(self, tmp_path: Path, *args: str, name: str = "out.jsonl") -> tuple[int, str, Path]:
        out = tmp_path / name
        result = CliRunner().invoke(
            app,
            [
                "replay",
                "transcript.segments",
                "--out",
                str(out),
                "--bootstrap",
                self.bootstrap,
                "--prefix",
                self.prefix,
                *args,
            ],
        )
        return result.exit_code, result.output, out


async def _seed(bootstrap: str, prefix: str) -> dict[tuple[int, int], tuple[int, dict[str, Any]]]:
    await ensure_topics(bootstrap, prefix, (TRANSCRIPT_SEGMENTS,))
    codec = AvroCodec()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    written: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}
    try:
        for seq in range(PER_PARTITION):
            for partition in PARTITIONS:
                moment = FIRST_MOMENT_MS + (seq * len(PARTITIONS) + partition) * MINUTE_MS
                value = segment(f"interview-{partition}", seq)
                sent = await producer.send_and_wait(
                    TRANSCRIPT_SEGMENTS.full_name(prefix),
                    key=f"interview-{partition}".encode(),
                    value=codec.encode(TRANSCRIPT_SEGMENTS.value_schema, value),
                    partition=partition,
                    timestamp_ms=moment,
                    headers=[("traceparent", f"00-{seq:032x}-{partition:016x}-01".encode())],
                )
                written[(partition, sent.offset)] = (moment, value)
        await producer.send_and_wait(
            TRANSCRIPT_SEGMENTS.full_name(prefix),
            key=b"interview-2",
            value=b"not avro at all",
            partition=POISON_PARTITION,
            timestamp_ms=FIRST_MOMENT_MS + 100 * MINUTE_MS,
        )
    finally:
        await producer.stop()
    return written


@pytest.fixture(scope="module")
def seeded(kafka_bootstrap: str) -> Iterator[Seeded]:
    prefix = f"t-replay-{datetime.now(UTC).strftime('%H%M%S%f')}-"
    written = asyncio.run(_seed(kafka_bootstrap, prefix))
    yield Seeded(prefix, kafka_bootstrap, written)
    asyncio.run(delete_prefixed_topics(kafka_bootstrap, prefix))


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_whole_topic_decoded_with_its_envelope_and_the_poison_record_kept(
    seeded: Seeded, tmp_path: Path
) -> None:
    code, output, out = seeded.replay(tmp_path)

    assert code == 0, output
    records = lines(out)
    assert len(records) == len(seeded.written) + 1
    good = [record for record in records if "decode_error" not in record]
    for record in good:
        moment, value = seeded.written[(record["partition"], record["offset"])]
        assert record["value"] == value | {"speaker_confidence": None, "run": 0}
        assert record["timestamp"] == datetime.fromtimestamp(moment / 1000, UTC).isoformat()
        assert record["key"] == f"interview-{record['partition']}"
        assert record["topic"] == TRANSCRIPT_SEGMENTS.full_name(seeded.prefix)
        assert record["headers"][0][0] == "traceparent"
    [poison] = [record for record in records if "decode_error" in record]
    assert (poison["partition"], poison["offset"]) == (POISON_PARTITION, POISON_OFFSET)
    assert poison["value"] is None and "magic byte" in poison["decode_error"]
    assert f"{len(records)} records" in output


def test_an_offset_range_of_one_partition(seeded: Seeded, tmp_path: Path) -> None:
    code, output, out = seeded.replay(tmp_path, "--from", "1", "--to", "2", "--partition", "1")

    assert code == 0, output
    assert [(r["partition"], r["offset"]) for r in lines(out)] == [(1, 1), (1, 2)]


def test_a_time_range_across_partitions_as_parquet(seeded: Seeded, tmp_path: Path) -> None:
    start = datetime.fromtimestamp((FIRST_MOMENT_MS + 3 * MINUTE_MS) / 1000, UTC).isoformat()
    stop = datetime.fromtimestamp((FIRST_MOMENT_MS + 5 * MINUTE_MS) / 1000, UTC).isoformat()
    code, output, out = seeded.replay(
        tmp_path, "--from", start, "--to", stop, "--format", "parquet", name="out.parquet"
    )

    assert code == 0, output
    rows = pq.read_table(out).to_pylist()
    expected = sorted(
        (partition, offset)
        for (partition, offset), (moment, _) in seeded.written.items()
        if FIRST_MOMENT_MS + 3 * MINUTE_MS <= moment <= FIRST_MOMENT_MS + 5 * MINUTE_MS
    )
    assert sorted((row["partition"], row["offset"]) for row in rows) == expected == [(0, 1), (1, 1), (2, 1)]
    for row in rows:
        moment, value = seeded.written[(row["partition"], row["offset"])]
        assert row["timestamp"] == datetime.fromtimestamp(moment / 1000, UTC)
        assert row["value"]["seq"] == value["seq"] and row["value"]["words"] == value["words"]


def test_a_parquet_replay_that_fails_while_writing_says_so_and_leaves_the_file_closed(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: BatchDecoder, values: object) -> None:
        raise MemoryError("no room for the decoded values")

    # Raised on the background thread that decodes and writes the rows.
    monkeypatch.setattr(BatchDecoder, "decode", broken)
    code, output, out = seeded.replay(tmp_path, "--format", "parquet", name="out.parquet")

    assert code == 1
    assert f"could not write its rows to {out}" in " ".join(output.split())
    assert "MemoryError: no room for the decoded values" in output
    assert "written to" not in output
    assert pq.read_table(out).num_rows == 0  # closed: a Parquet file, with none of the rows


def test_a_replay_makes_and_moves_no_consumer_group(seeded: Seeded, tmp_path: Path) -> None:
    async def groups() -> set[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=seeded.bootstrap)
        await admin.start()
        try:
            return {str(group[0]) for group in await admin.list_consumer_groups()}
        finally:
            await admin.close()

    before = asyncio.run(groups())
    code, output, _ = seeded.replay(tmp_path)
    assert code == 0, output
    assert asyncio.run(groups()) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "yesterday"], "neither an offset"),
        (["--from", "9", "--to", "3"], "before --from"),
        (["--partition", "7"], "has no partition 7"),
        (["--format", "csv"], "csv"),
    ],
)
def test_bad_input_is_refused_saying_why_and_writes_nothing(
    seeded: Seeded, tmp_path: Path, args: list[str], says: str
) -> None:
    code, output, out = seeded.replay(tmp_path, *args)

    assert code == 2
    assert says in output
    assert not out.exists()


def test_a_topic_not_in_the_catalog_or_not_on_the_broker_or_a_missing_folder_is_refused(
    seeded: Seeded, tmp_path: Path
) -> None:
    runner = CliRunner()
    common = ["--bootstrap", seeded.bootstrap, "--out", str(tmp_path / "x.jsonl")]
    unknown = runner.invoke(app, ["replay", "transcripts", *common])
    assert unknown.exit_code == 2 and "not in the topic catalog" in unknown.output
    absent = runner.invoke(app, ["replay", "analysis.completed", *common, "--prefix", "t-nothing-here-"])
    assert absent.exit_code == 2 and "is not on the broker" in absent.output
    nowhere = runner.invoke(
        app,
        [
            "replay",
            "transcript.segments",
            "--bootstrap",
            seeded.bootstrap,
            "--out",
            "/no/such/folder/x.jsonl",
        ],
    )
    assert nowhere.exit_code == 2 and "does not exist" in nowhere.output
