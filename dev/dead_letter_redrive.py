"""Dead letters sent back to where they came from, once the cause is fixed, exactly once.

Each chosen letter of ``<topic>.dlq`` goes back to its source topic with its original key and
bytes (and a header ``ib-redriven-from: <dlq topic>:<partition>:<offset>``), and its id goes to
the compacted ledger ``dead-letters.redriven`` in the same Kafka transaction: both happen or
neither. Letters the ledger already holds are skipped, so redriving a letter twice sends it
back once; the transactional id (one per dead-letter topic) fences a second redrive running at
the same moment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from dev.replay.bounds import Bound
from dev.replay.reader import Replay
from dev.topic_records import transactional_producer
from topics.catalog import DEAD_LETTERS_REDRIVEN, TopicSpec, dead_letter_topic
from topics.codec import AvroCodec
from topics.errors import SerializationError

REDRIVEN_HEADER = "ib-redriven-from"


@dataclass(frozen=True)
class Letter:
    """One dead letter as it sits on its dead-letter topic, decoded."""

    partition: int
    offset: int
    record: dict[str, Any]

    def ledger_id(self, dlq_topic: str) -> str:
        return f"{dlq_topic}:{self.partition}:{self.offset}"


@dataclass(frozen=True)
class Selection:
    """Which letters: every one, one partition's offsets ``first..last`` (both included), or one."""

    partition: int | None = None
    first: int | None = None
    last: int | None = None


@dataclass(frozen=True)
class RedriveReport:
    redriven: list[str]
    #: Letters chosen that had gone back before (the ledger has them): not sent again.
    already: list[str]


async def read_all(
    bootstrap: str, topic: str, codec: AvroCodec, schema: str, selection: Selection | None = None
) -> list[Letter]:
    """Every committed record of ``topic`` (as far as its end now, or ``selection``'s), decoded
    with ``schema``: read as ``ib replay`` reads, with no consumer group."""
    chosen = selection or Selection()
    first = Bound("earliest") if chosen.first is None else Bound("offset", offset=chosen.first)
    last = Bound("latest") if chosen.last is None else Bound("offset", offset=chosen.last)
    async with Replay(bootstrap, topic, schema, codec) as source:
        ranges = await source.ranges(first, last, None if chosen.partition is None else [chosen.partition])
        letters: list[Letter] = []
        async for record in source.records(ranges):
            if record.decode_error is not None:
                raise SerializationError(
                    f"{topic}[{record.partition}]@{record.offset}: {record.decode_error}"
                )
            if record.value is not None:
                letters.append(Letter(record.partition, record.offset, record.value))
        return letters


async def redrive(bootstrap: str, spec: TopicSpec, prefix: str, selection: Selection) -> RedriveReport:
    """Send the chosen dead letters of ``spec``'s topic back to it, each at most once ever."""
    dlq = dead_letter_topic(spec)
    producer = transactional_producer(bootstrap, f"ib-redrive-{dlq.full_name(prefix)}", "redrive")
    # Started first: it fences an earlier redrive of this topic still running, so the ledger
    # read next holds everything any other redrive will ever have committed.
    await producer.start()
    try:
        return await _redrive(producer, bootstrap, dlq, prefix, selection)
    finally:
        await producer.stop()


async def _redrive(
    producer: AIOKafkaProducer, bootstrap: str, dlq: TopicSpec, prefix: str, selection: Selection
) -> RedriveReport:
    codec = AvroCodec()
    dlq_name, ledger_name = dlq.full_name(prefix), DEAD_LETTERS_REDRIVEN.full_name(prefix)
    ledger = await read_all(bootstrap, ledger_name, codec, DEAD_LETTERS_REDRIVEN.value_schema)
    done = {
        f"{entry.record['source_topic']}:{entry.record['source_partition']}:{entry.record['source_offset']}"
        for entry in ledger
    }
    letters = await read_all(bootstrap, dlq_name, codec, dlq.value_schema, selection)
    fresh = [letter for letter in letters if letter.ledger_id(dlq_name) not in done]
    already = [letter.ledger_id(dlq_name) for letter in letters if letter.ledger_id(dlq_name) in done]
    if fresh:
        async with producer.transaction():
            for letter in fresh:
                ledger_id = letter.ledger_id(dlq_name)
                await producer.send(
                    letter.record["source_topic"],
                    key=letter.record["key"],
                    value=letter.record["value"],
                    headers=[(REDRIVEN_HEADER, ledger_id.encode())],
                )
                # The ledger keeps the letter under its own coordinates on the dead-letter topic.
                marker = letter.record | {
                    "source_topic": dlq_name,
                    "source_partition": letter.partition,
                    "source_offset": letter.offset,
                }
                await producer.send(
                    ledger_name,
                    key=ledger_id.encode(),
                    value=codec.encode(DEAD_LETTERS_REDRIVEN.value_schema, marker),
                )
    return RedriveReport(redriven=[letter.ledger_id(dlq_name) for letter in fresh], already=already)
