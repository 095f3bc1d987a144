"""The pieces of /ws that need no broker: the hub's routing, the messages, the close reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.live import hub as hub_module
from gateway.live.feed import message_of
from gateway.live.hub import LiveHub
from gateway.live.socket import BAD_MESSAGE, MAX_REASON_BYTES, Refused, parse, short_reason
from gateway.main import create_app
from gateway.settings import Settings
from topics.catalog import INTERVIEW_STATE, NOTIFICATIONS


def state(**changes: object) -> dict[str, object]:
    return {
        "interview_id": "iv-1",
        "user_id": "user-1",
        "status": "FAILED",
        "percent": 40.0,
        "eta_seconds": None,
        "audio_duration": 10.0,
        "segments": 3,
        "error_code": "transcription_failed",
        "error_reason": "No speech.",
        "notice": None,
        "version": 7,
        "updated_at": datetime(2026, 12, 6, tzinfo=UTC),
        "run": 2,
        **changes,
    }


def test_a_user_gets_only_their_own_messages() -> None:
    hub = LiveHub()
    with hub.subscribe("alice") as alice, hub.subscribe("bob") as bob, hub.subscribe("bob") as bob_again:
        hub.publish("alice", {"n": 1})
        hub.publish("bob", {"n": 2})
        hub.publish("carol", {"n": 3})
        assert alice.get_nowait() == {"n": 1} and alice.empty()
        assert bob.get_nowait() == {"n": 2} and bob_again.get_nowait() == {"n": 2}
        assert hub.connected("bob") == 2
    assert hub.connected("bob") == 0 and hub.connected("alice") == 0


def test_a_slow_socket_loses_its_oldest_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 2)
    hub = LiveHub()
    with hub.subscribe("alice") as queue:
        for n in range(4):
            hub.publish("alice", {"n": n})
        assert [queue.get_nowait()["n"] for _ in range(queue.qsize())] == [2, 3]


def test_a_notification_id_counts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "REMEMBERED_NOTIFICATIONS", 2)
    hub = LiveHub()
    assert hub.first_time("a") and not hub.first_time("a")
    assert hub.first_time("b") and hub.first_time("c")
    assert hub.first_time("a"), "forgotten once three newer ones came"


def test_a_state_message_carries_the_status_fields_and_no_user() -> None:
    message = message_of(INTERVIEW_STATE, state())
    assert message["type"] == "interview_state" and message["status"] == "FAILED"
    assert message["error_reason"] == "No speech." and message["run"] == 2 and message["percent"] == 40.0
    assert message["updated_at"] == "2026-12-06T00:00:00Z"
    assert "user_id" not in message


def test_a_notification_message_is_typed() -> None:
    event = {
        "notification_id": "n-1",
        "interview_id": "iv-1",
        "user_id": "user-1",
        "kind": "analysis_completed",
        "title": "Ready: 80/100",
        "body": "Overall score: 80/100.",
        "created_at": datetime(2026, 12, 6, tzinfo=UTC),
        "run": 0,
        "url": "http://web.test/interviews/iv-1",
        "overall_score": 80.0,
    }
    message = message_of(NOTIFICATIONS, event)
    assert message["type"] == "notification" and message["overall_score"] == 80.0
    assert "user_id" not in message


@pytest.mark.parametrize(
    ("frame", "says"),
    [
        ({"type": "websocket.receive", "bytes": b"\x00"}, "JSON text"),
        ({"type": "websocket.receive", "text": "{"}, "not JSON"),
        ({"type": "websocket.receive", "text": "[1]"}, '"type"'),
        ({"type": "websocket.receive", "text": '{"type": 3}'}, '"type"'),
    ],
)
def test_messages_that_are_not_typed_json_objects_are_refused(frame: dict[str, object], says: str) -> None:
    with pytest.raises(Refused) as refused:
        parse(frame)
    assert refused.value.code == BAD_MESSAGE and says in refused.value.reason


def test_a_typed_message_is_taken() -> None:
    assert parse({"type": "websocket.receive", "text": '{"type": "ping"}'}) == {"type": "ping"}


def test_a_close_reason_fits_a_close_frame() -> None:
    assert short_reason("short") == "short"
    long = short_reason("é" * 200)
    assert len(long.encode()) <= MAX_REASON_BYTES and long.endswith("...")


def test_the_openapi_document_describes_every_message_of_ws() -> None:
    document = create_app(Settings()).openapi()
    schemas = document["components"]["schemas"]

    for name, kind in [
        ("ReadyMessage", "ready"),
        ("InterviewStateMessage", "interview_state"),
        ("NotificationMessage", "notification"),
        ("PongMessage", "pong"),
    ]:
        assert schemas[name]["properties"]["type"]["const"] == kind
        assert "type" in schemas[name]["required"], f"{name}: a client tells messages apart by their type"
    assert {"status", "percent", "updated_at"} <= set(schemas["InterviewStateMessage"]["required"])
    assert {"title", "body", "interview_id"} <= set(schemas["NotificationMessage"]["required"])
