"""The worker's Kafka consumer: offsets move only past events that were processed, and a
partition without a committed offset is read from where the reset policy says, whatever a
rebalance did in between.

Faust's own aiokafka consumer loses records on a rebalance in two ways (both seen on a fresh
stack, where every partition starts without a committed offset):

- After a rebalance it seeks each partition back to its committed offset, and aiokafka's
  ``seek_to_committed`` leaves a partition that has none where the fetcher happened to be. The
  records fetched while the flow was stopped (the rebalance and the tables' recovery) were
  dropped, so the fetcher is past them and they are never read.
  :meth:`RebalanceSafeConsumerThread.seek_to_committed` seeks such a partition to its start
  (``earliest``) or end (``latest``) instead.
- An event still in an agent's buffer when its partition is revoked is skipped by the stream,
  which acknowledges it anyway ("otherwise the lag would increase"), so the next commit moves
  past an event nobody processed. :meth:`RebalanceSafeConsumer.ack` refuses every ack made
  while the flow is stopped or for an event fetched in an earlier generation of the group:
  the offset stays where it was, and whichever member owns the partition next reads the event
  again. An event that was in fact finished then is processed a second time; every handler is
  idempotent (sinks upsert by natural key, tables count each seq once), so that costs time,
  never a wrong row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from aiokafka import AIOKafkaConsumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

log = logging.getLogger(__name__)


async def seek_to_committed_or_reset(
    consumer: AIOKafkaConsumer, reset: str, committing: Callable[[str], bool] = lambda topic: True
) -> dict[TP, int | None]:
    """Seek every assigned partition to its committed offset, and one of a ``committing``
    topic that has none to its start (``reset="earliest"``) or end (``"latest"``); return the
    committed offsets (None where there is none), as ``AIOKafkaConsumer.seek_to_committed``
    does. Topics whose offsets are never committed (the tables' changelogs, which the
    tables' recovery positions itself) are left where they are."""
    committed: dict[TP, int | None] = await consumer.seek_to_committed()
    # aiokafka seeks only to a committed offset above 0; Faust commits "next to read", so 0
    # and None both mean nothing of the partition was ever processed.
    never_committed = sorted(tp for tp, offset in committed.items() if not offset and committing(tp.topic))
    if never_committed:
        if reset == "latest":
            await consumer.seek_to_end(*never_committed)
        else:
            await consumer.seek_to_beginning(*never_committed)
        log.info(
            "no committed offset: reading %s from the %s",
            ", ".join(f"{tp.topic}[{tp.partition}]" for tp in never_committed),
            "end" if reset == "latest" else "start",
        )
    return committed


class RebalanceSafeConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """The aiokafka client's thread, with a seek that never leaves a partition unread."""

    async def seek_to_committed(self) -> Mapping[TP, int]:
        # None stays in the answer: Faust then forgets the partition's read offset, so the
        # records read again from the start are not taken for ones it has seen.
        return await self.call_thread(  # type: ignore[no-any-return]
            seek_to_committed_or_reset,
            self._ensure_consumer(),
            self.app.conf.consumer_auto_offset_reset,
            self.app.topics.acks_enabled_for,
        )


class RebalanceSafeConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer, acknowledging only events processed in the current generation."""

    def _new_consumer_thread(self) -> RebalanceSafeConsumerThread:
        return RebalanceSafeConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def ack(self, message: Message) -> bool:
        if self.app.flow_control.is_active() and message.generation_id == self.app.consumer_generation_id:
            return super().ack(message)
        # Skipped by a stream during a rebalance, or finished after its partition was revoked:
        # not committable. Marked acked so it is not counted as pending; it is fetched again.
        message.acked = True
        self._unacked_messages.discard(message)
        return False
