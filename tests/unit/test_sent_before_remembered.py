"""An agent that remembers in a table what it has sent, so that an event read again sends nothing,
remembers it only once the broker has the record (``streams.app.send_delivered``). The record
and the table's changelog are separate writes: a worker killed after the memory and before the
record would leave the interview waiting for the record for ever (the likely cause of an
interview a kill storm left "analyzing", with nothing logged). Here the delivery fails, as it
does for a worker killed before the broker answered; the event read again must then send the
record. (A fold that gives the state it already holds sends nothing, so a memory kept without
its record is never mended.)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import orjson
import pytest

from analysis.parts import new_parts
from streams import app, notify_user, roll_up_analysis, track_state
from streams.settings import StreamsSettings
from tests.integration.gateway_helpers import analysis_event, state_event
from topics.catalog import ANALYSIS_COMPLETED, INTERVIEW_STATE, NOTIFICATIONS, TopicSpec


class WorkerKilled(Exception):
    """The worker went before the broker acknowledged the record."""


@dataclass
class Broker:
    """The worker's topics as the agents send to them: a record is handed over at once, and its
    receipt comes or, while ``down``, fails (the worker was killed before the broker answered)."""

    down: bool = True
    records: list[tuple[str, bytes]] = field(default_factory=list)

    def channel(self, spec: TopicSpec) -> Broker.Channel:
        return Broker.Channel(self, spec)

    async def killed_then_read_again(
        self, step: Callable[[], Awaitable[object]], table: dict[str, bytes], key: str
    ) -> None:
        """``step`` by a worker killed before the broker answered (nothing must be remembered
        under ``key``), then again, as the event read again after the restart."""
        with pytest.raises(WorkerKilled):
            await step()
        assert key not in table
        self.down = False
        await step()

    @dataclass
    class Channel:
        broker: Broker
        spec: TopicSpec

        async def send(self, *, key: bytes, value: bytes, headers: object) -> asyncio.Future[None]:
            receipt = asyncio.get_running_loop().create_future()
            if self.broker.down:
                receipt.set_exception(WorkerKilled(self.spec.name))
            else:
                self.broker.records.append((self.spec.name, key))
                receipt.set_result(None)
            return receipt


@dataclass
class Message:
    topic: str
    key: bytes


@dataclass
class Event:
    message: Message


def interview() -> str:
    return f"iv-{uuid.uuid4().hex[:10]}"


async def test_a_state_not_delivered_is_not_kept_and_is_sent_when_folded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker, table = Broker(), dict[str, bytes]()
    monkeypatch.setattr(app, "channel", broker.channel)
    monkeypatch.setattr(track_state, "interview_state", table)
    interview_id = interview()
    after = state_event(interview_id, "user-1", "COMPLETED", 3, 100.0)

    await broker.killed_then_read_again(lambda: track_state._store(None, after), table, interview_id)
    assert broker.records == [(INTERVIEW_STATE.name, interview_id.encode())]
    assert interview_id in table


async def test_a_notification_not_delivered_is_not_remembered_and_is_sent_when_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker, table = Broker(), dict[str, bytes]()
    monkeypatch.setattr(app, "channel", broker.channel)
    monkeypatch.setattr(notify_user, "notified_runs", table)
    interview_id = interview()
    completed = {**analysis_event(interview_id, "user-1", 72.0), "run": 0}
    prefix = StreamsSettings().topic_prefix
    event = Event(Message(ANALYSIS_COMPLETED.full_name(prefix), interview_id.encode()))

    await broker.killed_then_read_again(
        lambda: notify_user.notify(completed, event),  # type: ignore[arg-type]
        table,
        interview_id,
    )
    assert broker.records == [(NOTIFICATIONS.name, b"user-1")]
    assert table[interview_id] == b"0"


async def test_an_analysis_not_delivered_is_not_marked_sent_and_is_sent_when_completed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker, parts_table = Broker(), dict[str, bytes]()
    monkeypatch.setattr(app, "channel", broker.channel)
    monkeypatch.setattr(roll_up_analysis, "analysis_parts", parts_table)
    monkeypatch.setattr(roll_up_analysis, "speech_rollup", {})
    interview_id = interview()
    analysis = {**analysis_event(interview_id, "user-1", 72.0), "run": 0}
    # Every part is in: what is under test is the analysis' sending, not how it is made.
    monkeypatch.setattr(roll_up_analysis, "is_complete", lambda *_: True)
    monkeypatch.setattr(roll_up_analysis, "build_analysis", lambda *_, **__: analysis)
    monkeypatch.setattr(roll_up_analysis, "shared_embedder", lambda: None)
    parts = {**new_parts(), "end": {"turn_index": 0}}
    event = Event(Message("segment.metrics", interview_id.encode()))

    await broker.killed_then_read_again(
        lambda: roll_up_analysis._complete_if_ready(interview_id, parts, event),  # type: ignore[arg-type]
        parts_table,
        interview_id,
    )
    assert broker.records == [(ANALYSIS_COMPLETED.name, interview_id.encode())]
    assert orjson.loads(parts_table[interview_id])["sent"] is True
