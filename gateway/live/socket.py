"""``GET /ws``: a WebSocket that pushes the signed-in user's interview states and notifications.

A browser cannot set an ``Authorization`` header on a WebSocket, so the token comes as the
first message: ``{"type": "auth", "token": "<ID token>"}``, within ``IB_WS_AUTH_SECONDS``
(the token stays out of URLs and of the ``Sec-WebSocket-Protocol`` header, which proxies log).
The server answers ``{"type": "ready", "user_id": ...}`` and from then on sends the user's
messages (:mod:`gateway.live.messages`); the client may send ``{"type": "ping"}`` (answered
``pong``). Anything else is refused by closing with a code and a reason in words:

- 4400: a message that is not JSON text, or not one the server expects;
- 4401: no token, or a token that is not valid (the reason says why, as ``401`` answers do);
- 4408: no ``auth`` message in time;
- 1013: sign-ins cannot be checked right now (Firebase's certificates unreachable): try again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.auth import AuthenticatedUser
from gateway.errors import AuthenticationFailed
from gateway.firebase_auth import AuthenticationUnavailable
from gateway.live.messages import PongMessage, ReadyMessage
from gateway.services import Services

log = logging.getLogger(__name__)

router = APIRouter(tags=["live"])

BAD_MESSAGE = 4400
UNAUTHENTICATED = 4401
AUTH_TIMEOUT = 4408
TRY_AGAIN_LATER = 1013
#: A close frame's reason holds at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def short_reason(reason: str) -> str:
    encoded = reason.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return reason
    return encoded[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


def parse(message: dict[str, Any]) -> dict[str, Any]:
    """A client's message as a JSON object with a ``type``; :class:`Refused` otherwise."""
    text = message.get("text")
    if text is None:
        raise Refused(BAD_MESSAGE, 'Messages are JSON text, such as {"type": "ping"}.')
    try:
        parsed = json.loads(text)
    except ValueError:
        raise Refused(BAD_MESSAGE, "The message is not JSON.") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("type"), str):
        raise Refused(BAD_MESSAGE, 'A message is a JSON object with a "type".')
    return parsed


async def receive(websocket: WebSocket) -> dict[str, Any] | None:
    """The next message from the client; None when it went away."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    return parse(message)


async def sign_in(websocket: WebSocket, services: Services) -> AuthenticatedUser | None:
    timeout = services.settings.ws_auth_seconds
    try:
        first = await asyncio.wait_for(receive(websocket), timeout)
    except TimeoutError:
        raise Refused(
            AUTH_TIMEOUT, f'Sign in first: send {{"type": "auth", "token": ...}} within {timeout:g} s.'
        ) from None
    if first is None:
        return None
    token = first.get("token")
    if first["type"] != "auth" or not isinstance(token, str) or not token.strip():
        raise Refused(UNAUTHENTICATED, 'No token: the first message must be {"type": "auth", "token": ...}.')
    try:
        user = await services.authenticator.authenticate(token.strip())
    except AuthenticationFailed as exc:
        raise Refused(UNAUTHENTICATED, exc.user_message) from None
    except AuthenticationUnavailable as exc:
        raise Refused(TRY_AGAIN_LATER, exc.user_message) from None
    await services.contacts.seen(user.user_id, user.email)
    return user


async def forward(websocket: WebSocket, queue: asyncio.Queue[dict[str, Any]]) -> None:
    while True:
        await websocket.send_json(await queue.get())


async def answer(websocket: WebSocket) -> None:
    """Answers pings until the client goes away; anything else is refused."""
    while True:
        message = await receive(websocket)
        if message is None:
            return
        if message["type"] != "ping":
            raise Refused(BAD_MESSAGE, f'Unexpected message type {message["type"]!r}: only "ping" is taken.')
        await websocket.send_json(PongMessage().model_dump())


@router.websocket("/ws")
async def live_updates(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    await websocket.accept()
    try:
        user = await sign_in(websocket, services)
        if user is None:
            return
        with services.live.subscribe(user.user_id) as queue:
            await websocket.send_json(ReadyMessage(user_id=user.user_id).model_dump())
            sending = asyncio.create_task(forward(websocket, queue))
            try:
                await answer(websocket)
            finally:
                sending.cancel()
                await asyncio.gather(sending, return_exceptions=True)
    except Refused as refused:
        await websocket.close(refused.code, short_reason(refused.reason))
    except WebSocketDisconnect:
        return
