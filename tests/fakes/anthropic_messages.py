"""A local server that speaks Anthropic's Messages API, scripted per test.

The Claude analyzer is tested through the real ``anthropic`` SDK pointed at this server
(``base_url``), so the SDK's request building, error mapping and response parsing all run.
Each test plans the replies in order (:meth:`FakeAnthropic.plan_tool_use`,
:meth:`~FakeAnthropic.plan_error`, ...) and reads back what the server received
(:attr:`FakeAnthropic.requests`). ``POST /v1/messages`` checks what the SDK sends the way the
API does: the API key (``x-api-key``, or ``Authorization: Bearer`` as newer SDKs send it), the
``anthropic-version`` header, the body's known fields and their types, the roles' order,
``tool_choice`` naming a declared tool; an error answers with the API's status code and body
``{"type": "error", "error": {"type", "message"}}``.

Prompt caching is mimicked: the prefix up to the last ``cache_control`` block (tools, then
system) is remembered, so the first request reports ``cache_creation_input_tokens`` and the
next ones with the same prefix ``cache_read_input_tokens``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CacheControl(_Strict):
    type: Literal["ephemeral"]
    ttl: Literal["5m", "1h"] | None = None


class TextBlock(_Strict):
    type: Literal["text"]
    text: str = Field(min_length=1)
    cache_control: CacheControl | None = None


class ContentBlock(BaseModel):
    """A message content block: only its type is checked (text, tool_use, tool_result, ...)."""

    model_config = ConfigDict(extra="allow")
    type: str
    cache_control: CacheControl | None = None


class MessageParam(_Strict):
    role: Literal["user", "assistant"]
    content: str | list[ContentBlock]


class Tool(_Strict):
    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,128}$")
    description: str | None = None
    input_schema: dict[str, Any]
    cache_control: CacheControl | None = None
    type: Literal["custom"] | None = None

    @model_validator(mode="after")
    def _object_schema(self) -> Tool:
        if self.input_schema.get("type") != "object":
            raise ValueError("tools.input_schema.type: Input should be 'object'")
        return self


class ToolChoice(_Strict):
    type: Literal["auto", "any", "tool", "none"]
    name: str | None = None
    disable_parallel_tool_use: bool | None = None


class MessagesRequest(_Strict):
    model: str = Field(min_length=1)
    max_tokens: int = Field(ge=1)
    messages: list[MessageParam] = Field(min_length=1)
    system: str | list[TextBlock] | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    temperature: float | None = Field(default=None, ge=0, le=1)
    top_p: float | None = None
    top_k: int | None = None
    stop_sequences: list[str] | None = None
    metadata: dict[str, Any] | None = None
    stream: Literal[False] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MessagesRequest:
        if self.messages[0].role != "user":
            raise ValueError("messages: the first message must use the user role")
        for before, after in zip(self.messages, self.messages[1:], strict=False):
            if before.role == after.role:
                raise ValueError("messages: roles must alternate between user and assistant")
        if self.tool_choice and self.tool_choice.type == "tool":
            names = {tool.name for tool in self.tools or []}
            if self.tool_choice.name not in names:
                raise ValueError(f"tool_choice.name: no tool named {self.tool_choice.name!r} in tools")
        return self


@dataclass(frozen=True)
class PlannedReply:
    """One reply the server gives, in the order planned."""

    status: int = 200
    content: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = "tool_use"
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    received_at: float
    """``time.monotonic()`` when the request arrived."""
    headers: dict[str, str]
    body: dict[str, Any]


def error_body(error_type: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": message}}


class FakeAnthropic:
    """The scripted Messages API: plan replies, serve them in order, record every request."""

    def __init__(self, api_key: str = "sk-ant-test-key") -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._planned: deque[PlannedReply] = deque()
        self._cached_prefixes: set[str] = set()
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    # -- the script ---------------------------------------------------------------------------

    def plan(self, reply: PlannedReply) -> None:
        with self._lock:
            self._planned.append(reply)

    def plan_tool_use(self, tool_input: Any, name: str | None = None, delay_seconds: float = 0.0) -> None:
        """A reply that calls the tool (the forced one when ``name`` is None) with this input."""
        block = {
            "type": "tool_use",
            "id": f"toolu_{uuid.uuid4().hex[:24]}",
            "name": name,
            "input": tool_input,
        }
        self.plan(PlannedReply(content=[block], delay_seconds=delay_seconds))

    def plan_text(self, text: str, stop_reason: str = "end_turn") -> None:
        """A reply with no tool_use block (the model answered in prose, or ran out of tokens)."""
        self.plan(PlannedReply(content=[{"type": "text", "text": text}], stop_reason=stop_reason))

    def plan_error(self, status: int, message: str = "", retry_after: float | None = None) -> None:
        headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
        text = message or f"{ERROR_TYPES.get(status, 'api_error')} planned by the test"
        self.plan(PlannedReply(status=status, error_message=text, headers=headers))

    def plan_rate_limited(self, retry_after: float = 1.0) -> None:
        self.plan_error(429, "Number of request tokens has exceeded your rate limit.", retry_after)

    def plan_overloaded(self, times: int = 1) -> None:
        for _ in range(times):
            self.plan_error(529, "Overloaded")

    @property
    def unserved(self) -> int:
        """Replies planned but not asked for yet."""
        with self._lock:
            return len(self._planned)

    # -- the endpoint -------------------------------------------------------------------------

    async def _messages(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        headers = {key.lower(): value for key, value in request.headers.items()}
        self.requests.append(
            RecordedRequest(time.monotonic(), headers, body if isinstance(body, dict) else {})
        )
        if self.api_key not in {
            headers.get("x-api-key"),
            headers.get("authorization", "").removeprefix("Bearer "),
        }:
            return self._error(401, "invalid x-api-key")
        if not API_VERSION.match(headers.get("anthropic-version", "")):
            return self._error(400, "anthropic-version: header is required")
        if not isinstance(body, dict):
            return self._error(400, "The request body is not valid JSON.")
        try:
            parsed = MessagesRequest.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            return self._error(400, f"{where}: {first['msg']}")
        with self._lock:
            reply = self._planned.popleft() if self._planned else None
        if reply is None:
            return self._error(500, "the fake server has no reply planned for this request")
        if reply.delay_seconds:
            await self._wait_unless_disconnected(request, reply.delay_seconds)
        if reply.status != 200:
            return self._error(reply.status, reply.error_message, reply.headers)
        return JSONResponse(self._message(parsed, reply))

    @staticmethod
    async def _wait_unless_disconnected(request: Request, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not await request.is_disconnected():
            await asyncio.sleep(0.05)

    @staticmethod
    def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse(
            error_body(ERROR_TYPES.get(status, "api_error"), message),
            status_code=status,
            headers={"request-id": f"req_{uuid.uuid4().hex[:24]}", **(headers or {})},
        )

    def _message(self, request: MessagesRequest, reply: PlannedReply) -> dict[str, Any]:
        forced = (
            request.tool_choice.name if request.tool_choice and request.tool_choice.type == "tool" else None
        )
        content = [
            {**block, "name": block["name"] or forced} if block["type"] == "tool_use" else block
            for block in reply.content
        ]
        prefix, uncached = self._cache_split(request)
        created = read = 0
        if prefix:
            key = hashlib.sha256(prefix.encode()).hexdigest()
            with self._lock:
                seen = key in self._cached_prefixes
                self._cached_prefixes.add(key)
            read, created = (_tokens(prefix), 0) if seen else (0, _tokens(prefix))
        return {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": _tokens(uncached),
                "output_tokens": _tokens(json.dumps(content)),
                "cache_creation_input_tokens": created,
                "cache_read_input_tokens": read,
            },
        }

    @staticmethod
    def _cache_split(request: MessagesRequest) -> tuple[str, str]:
        """(the cacheable prefix, the rest): tools, system, messages, cut after the last cache_control."""
        pieces: list[tuple[str, bool]] = [
            (tool.model_dump_json(), tool.cache_control is not None) for tool in request.tools or []
        ]
        if isinstance(request.system, str):
            pieces.append((request.system, False))
        else:
            pieces += [(block.text, block.cache_control is not None) for block in request.system or []]
        pieces += [(message.model_dump_json(), False) for message in request.messages]
        marked = [index for index, (_, cached) in enumerate(pieces) if cached]
        cut = marked[-1] + 1 if marked else 0
        return "".join(text for text, _ in pieces[:cut]), "".join(text for text, _ in pieces[cut:])


def _tokens(text: str) -> int:
    """A rough token count (four characters a token), enough for usage figures."""
    return max(1, len(text) // 4)


@contextmanager
def running_fake_anthropic(
    fake: FakeAnthropic | None = None, timeout_s: float = 10.0
) -> Iterator[tuple[FakeAnthropic, str]]:
    """Serve ``fake`` with uvicorn on a free loopback port in a thread; yield it and its base URL."""
    fake = fake or FakeAnthropic()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        fake.app, log_level="warning", lifespan="off", ws="none", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout_s
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake Anthropic server did not start on port {port}")
            time.sleep(0.02)
        with socket.create_connection(("127.0.0.1", port), timeout=timeout_s):
            pass
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout_s)
        listener.close()
