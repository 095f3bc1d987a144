"""A Faust agent that does nothing but relay records: the ceiling any Faust agent can reach.

Run by ``bench.speech_agent_throughput`` as ``python -m bench.faust_relay worker`` with
RELAY_APP, RELAY_SOURCE, RELAY_SINK and RELAY_WEB_PORT set; it batches and produces the way
the speech agent does (take_events with the same window, the records handed to the
idempotent producer as one record batch per partition, with a short linger, offsets committed
after Faust flushes it).
"""

from __future__ import annotations

import os
import tempfile
from typing import cast

import faust

from streams.app import IdempotentProducer, PartitionedRecords  # (importing installs the producer)

app = faust.App(
    os.environ.get("RELAY_APP", "bench-relay"),
    broker=f"kafka://{os.environ.get('IB_KAFKA_BOOTSTRAP', '127.0.0.1:9092')}",
    store="memory://",
    key_serializer="raw",
    value_serializer="raw",
    web_port=int(os.environ.get("RELAY_WEB_PORT", "6099")),
    consumer_auto_offset_reset="earliest",
    producer_linger=0.005,
    producer_max_batch_size=256 * 1024,
    # Faust's default is a folder in the working directory; a bench round leaves nothing there.
    datadir=os.path.join(tempfile.gettempdir(), "{conf.name}-data"),
)
#: ``streams.measure_speech.BATCH_SECONDS`` (not imported: that would register its agent and table).
BATCH_SECONDS = 0.05

source = app.topic(os.environ.get("RELAY_SOURCE", "bench.source"), key_type=bytes, value_type=bytes)
sink = app.topic(os.environ.get("RELAY_SINK", "bench.sink"), key_type=bytes, value_type=bytes)


@app.agent(source)
async def relay(stream: faust.StreamT[bytes]) -> None:
    sink_name = sink.get_topic_name()
    producer = cast(IdempotentProducer, app.producer)
    async for events in stream.take_events(1000, within=BATCH_SECONDS):
        outgoing = PartitionedRecords(producer, sink_name)
        for event in events:
            outgoing.add(event.message.key, event.message.value)
        await outgoing.send()


if __name__ == "__main__":
    app.main()
