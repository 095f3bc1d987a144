"""``GET /ws`` on two real gateway replicas (``python -m gateway``) sharing one set of topics:
each user gets their own interview states and notifications, on whichever replica they are
connected to, and nobody else's; bad input is refused with a close code and a reason."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from analysis.notifications import for_completed_analysis
from dev.service_processes import ServiceProcess, gateway_process, new_prefix
from dev.topic_records import produce
from gateway.auth import DevIssuer
from gateway.settings import Settings
from tests.integration.gateway_helpers import analysis_event, state_event
from topics.admin import delete_prefixed_topics
from topics.catalog import INTERVIEW_STATE, NOTIFICATIONS

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

#: Long enough for a message to cross Kafka and a gateway on a busy machine.
RECEIVE_SECONDS = 30.0


@pytest.fixture(scope="module")
async def prefix(kafka_bootstrap: str) -> AsyncIterator[str]:
    prefix = new_prefix()
    yield prefix
    await delete_prefixed_topics(kafka_bootstrap, prefix)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run folder for both replicas: they check tokens of the same dev issuer."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="module")
def replicas(
    prefix: str, run_dir: Path, kafka_bootstrap: str, database_url: str
) -> Iterator[list[ServiceProcess]]:
    started = []
    try:
        for _ in range(2):
            replica = gateway_process(prefix, run_dir, kafka_bootstrap, database_url)
            replica.extra_env["IB_WS_AUTH_SECONDS"] = "1"
            replica.start()
            started.append(replica)
        yield started
    finally:
        for replica in started:
            replica.stop()


@pytest.fixture(scope="module")
def issuer(run_dir: Path) -> DevIssuer:
    settings = Settings(run_dir=run_dir)
    return DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)


def ws_url(replica: ServiceProcess) -> str:
    return replica.url.replace("http://", "ws://") + "/ws"


async def signed_in(replica: ServiceProcess, token: str) -> ClientConnection:
    socket = await connect(ws_url(replica))
    await socket.send(json.dumps({"type": "auth", "token": token}))
    ready = json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_SECONDS))
    assert ready["type"] == "ready", ready
    return socket


async def receive_until(socket: ClientConnection, wanted: set[str]) -> list[dict[str, Any]]:
    """Messages until one of each ``wanted`` key (``<type>:<id>``) has come; all of them."""
    got: list[dict[str, Any]] = []
    while not wanted <= {key_of(message) for message in got}:
        got.append(json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_SECONDS)))
    return got


def key_of(message: dict[str, Any]) -> str:
    if message["type"] == "notification":
        return f"notification:{message['notification_id']}"
    return f"{message['type']}:{message.get('interview_id')}:{message.get('status')}"


def user_id() -> str:
    return f"live-{uuid.uuid4().hex[:12]}"


def notification(user: str, interview_id: str) -> dict[str, Any]:
    return for_completed_analysis(analysis_event(interview_id, user, 81.0), "http://web.test")


async def closed_with(socket: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(socket.recv(), RECEIVE_SECONDS)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_each_user_gets_their_own_events_on_either_replica_and_nobody_elses(
    replicas: list[ServiceProcess], issuer: DevIssuer, kafka_bootstrap: str, prefix: str
) -> None:
    alice, bob = user_id(), user_id()
    first, second = replicas
    alice_socket = await signed_in(first, issuer.issue(alice))
    bob_socket = await signed_in(second, issuer.issue(bob))
    bob_on_first = await signed_in(first, issuer.issue(bob))
    alice_interview, bob_interview = f"iv-{uuid.uuid4().hex[:8]}", f"iv-{uuid.uuid4().hex[:8]}"
    events = [
        (INTERVIEW_STATE, alice_interview, state_event(alice_interview, alice, "TRANSCRIBING", 2, 45.0)),
        (INTERVIEW_STATE, bob_interview, state_event(bob_interview, bob, "ANALYZING", 3, 90.0)),
        (NOTIFICATIONS, bob, notification(bob, bob_interview)),
        (NOTIFICATIONS, alice, notification(alice, alice_interview)),
        (INTERVIEW_STATE, alice_interview, state_event(alice_interview, alice, "COMPLETED", 4, 100.0)),
    ]
    for spec, key, value in events:
        await produce(kafka_bootstrap, spec, prefix, key, value)
    alice_note = notification(alice, alice_interview)["notification_id"]
    bob_note = notification(bob, bob_interview)["notification_id"]

    alice_got = await receive_until(
        alice_socket,
        {
            f"interview_state:{alice_interview}:TRANSCRIBING",
            f"interview_state:{alice_interview}:COMPLETED",
            f"notification:{alice_note}",
        },
    )
    bob_wants = {f"interview_state:{bob_interview}:ANALYZING", f"notification:{bob_note}"}
    bob_got = await receive_until(bob_socket, bob_wants)
    bob_got_on_first = await receive_until(bob_on_first, bob_wants)

    assert all(message["interview_id"] == alice_interview for message in alice_got)
    assert all(message["interview_id"] == bob_interview for message in bob_got + bob_got_on_first)
    transcribing = next(m for m in alice_got if m.get("status") == "TRANSCRIBING")
    assert transcribing["percent"] == 45.0 and transcribing["type"] == "interview_state"
    note = next(m for m in alice_got if m["type"] == "notification")
    assert note["title"].endswith("81/100") and note["url"] == f"http://web.test/review/{alice_interview}"
    for socket in (alice_socket, bob_socket, bob_on_first):
        await socket.close()


async def test_a_notification_read_twice_is_pushed_once(
    replicas: list[ServiceProcess], issuer: DevIssuer, kafka_bootstrap: str, prefix: str
) -> None:
    user = user_id()
    socket = await signed_in(replicas[0], issuer.issue(user))
    interview_id = f"iv-{uuid.uuid4().hex[:8]}"
    again = notification(user, interview_id)
    later = {**notification(user, interview_id), "notification_id": str(uuid.uuid4()), "run": 1}
    for value in (again, again, later):  # one key, one partition: in this order
        await produce(kafka_bootstrap, NOTIFICATIONS, prefix, user, value)

    got = await receive_until(socket, {f"notification:{later['notification_id']}"})

    assert [m["notification_id"] for m in got] == [again["notification_id"], later["notification_id"]]
    await socket.close()


async def test_pings_are_answered(replicas: list[ServiceProcess], issuer: DevIssuer) -> None:
    socket = await signed_in(replicas[1], issuer.issue(user_id()))
    await socket.send(json.dumps({"type": "ping"}))
    assert json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_SECONDS)) == {"type": "pong"}
    await socket.close()


@pytest.mark.parametrize(
    ("first_message", "code", "reason_has"),
    [
        ({"type": "auth"}, 4401, "No token"),
        ({"type": "auth", "token": ""}, 4401, "No token"),
        ({"type": "hello"}, 4401, "No token"),
        ({"type": "auth", "token": "not-a-token"}, 4401, "not valid"),
        ("this is not json", 4400, "not JSON"),
        (["a", "list"], 4400, '"type"'),
        (b"\x00binary", 4400, "JSON text"),
    ],
)
async def test_bad_input_before_signing_in_is_refused_in_words(
    replicas: list[ServiceProcess], first_message: Any, code: int, reason_has: str
) -> None:
    socket = await connect(ws_url(replicas[0]))
    if isinstance(first_message, bytes):
        await socket.send(first_message)
    else:
        await socket.send(first_message if isinstance(first_message, str) else json.dumps(first_message))

    closed_code, reason = await closed_with(socket)

    assert closed_code == code and reason_has in reason, reason


async def test_an_expired_token_says_so(replicas: list[ServiceProcess], issuer: DevIssuer) -> None:
    socket = await connect(ws_url(replicas[0]))
    await socket.send(json.dumps({"type": "auth", "token": issuer.issue(user_id(), lifetime_seconds=-60)}))

    assert await closed_with(socket) == (4401, "Your token has expired: get a new one.")


async def test_silence_before_signing_in_is_refused(replicas: list[ServiceProcess]) -> None:
    socket = await connect(ws_url(replicas[1]))

    code, reason = await closed_with(socket)

    assert code == 4408 and "Sign in first" in reason


async def test_garbage_after_signing_in_is_refused(replicas: list[ServiceProcess], issuer: DevIssuer) -> None:
    socket = await signed_in(replicas[1], issuer.issue(user_id()))
    await socket.send(json.dumps({"type": "subscribe", "user_id": "someone-else"}))

    code, reason = await closed_with(socket)

    assert code == 4400 and 'only "ping"' in reason
