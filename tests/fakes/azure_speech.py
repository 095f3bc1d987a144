"""A local Azure Speech service for the real Speech SDK: enough of its WebSocket protocol.

Per turn the SDK sends ``speech.config``/``speech.context`` text frames and ``audio`` binary
frames (a 2-byte header length, headers, then a WAV header and PCM; an empty body ends the
stream); the service answers ``turn.start``, ``speech.phrase`` results and ``turn.end``, each a
text frame of headers and a JSON body. It can also refuse the WebSocket upgrade with an HTTP
status, as Azure does for a bad key (401) or a spent quota (429), or never answer.

Given no fixed phrases and ``dictation=True``, it hears a phrase in every ``PHRASE_SECONDS`` of
the turn's audio, after ``delay`` seconds, as a slow service would: a recognizer whose handler
takes seconds a recording and costs no CPU here.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web

from streams.transcription.azure_mapping import TICKS_PER_SECOND
from streams.transcription.decoding import SAMPLE_RATE

#: 16-bit mono PCM at the recognizer's rate, what the SDK streams.
BYTES_PER_SECOND = 2 * SAMPLE_RATE
#: Dictation: one phrase heard in each stretch this long.
PHRASE_SECONDS = 3.0

# What the service sends for "Um, so I led it." 0.5 s into the turn (ticks of 100 ns).
PHRASE = {
    "Id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "RecognitionStatus": "Success",
    "Offset": 5000000,
    "Duration": 12000000,
    "Channel": 0,
    "DisplayText": "Um, so I led it.",
    "NBest": [
        {
            "Confidence": 0.9021,
            "Lexical": "um so i led it",
            "ITN": "um so i led it",
            "MaskedITN": "um so i led it",
            "Display": "Um, so I led it.",
            "Words": [
                {"Word": "um", "Offset": 5000000, "Duration": 2000000, "Confidence": 0.8012},
                {"Word": "so", "Offset": 7500000, "Duration": 2000000, "Confidence": 0.9133},
                {"Word": "i", "Offset": 10000000, "Duration": 1000000, "Confidence": 0.9561},
                {"Word": "led", "Offset": 11000000, "Duration": 3000000, "Confidence": 0.9302},
                {"Word": "it", "Offset": 14000000, "Duration": 3000000, "Confidence": 0.9187},
            ],
        }
    ],
}
# The rest of a 2-s piece, heard as noise. Without a result that reaches the end of the
# audio, the SDK sends the unaccounted tail again in its next turn.
NO_MATCH = {
    "Id": "1a2b3c4d5e6f708192a3b4c5d6e7f809",
    "RecognitionStatus": "NoMatch",
    "Offset": 17000000,
    "Duration": 3000000,
    "Channel": 0,
}


class FakeSpeechService:
    def __init__(
        self,
        phrases: Sequence[Mapping[str, Any]] = (),
        *,
        reject_status: int | None = None,
        answer: bool = True,
        dictation: bool = False,
        delay: float = 0.0,
    ) -> None:
        self._phrases = list(phrases)
        self._dictation = dictation
        self._delay = delay
        self._reject_status = reject_status
        self._answer = answer
        self.requests: list[str] = []
        self.keys: list[str | None] = []
        self.audio = bytearray()
        self._open: set[web.WebSocketResponse] = set()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.host = f"ws://127.0.0.1:{self._socket.getsockname()[1]}"
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="fake-speech-service", daemon=True)

    def __enter__(self) -> FakeSpeechService:
        self._thread.start()
        assert self._ready.wait(5), "fake speech service did not start"
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._close_connections(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _close_connections(self) -> None:
        for ws in list(self._open):
            await ws.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        try:
            self._loop.run_until_complete(runner.setup())
            self._loop.run_until_complete(web.SockSite(runner, self._socket).start())
            self._ready.set()
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(runner.cleanup())
            self._socket.close()
            self._loop.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        self.keys.append(request.headers.get("Ocp-Apim-Subscription-Key"))
        if self._reject_status is not None:
            return web.Response(status=self._reject_status, text='{"error":{"message":"refused"}}')
        ws = web.WebSocketResponse(protocols=("USP",))
        await ws.prepare(request)
        self._open.add(ws)
        request_id, turn_started, answered, heard = "", False, False, 0
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                headers = _headers(message.data.split("\r\n\r\n", 1)[0])
                if headers.get("Path") == "speech.context":
                    request_id, turn_started = headers["X-RequestId"], False
                continue
            if message.type != WSMsgType.BINARY or not self._answer:
                continue
            length = int.from_bytes(message.data[:2], "big")
            body = message.data[2 + length :]
            if not turn_started:
                turn_started = True
                await ws.send_str(_frame("turn.start", request_id, {"context": {"serviceTag": "fake"}}))
            if body:
                pcm = _without_wav_header(body)
                self.audio += pcm
                heard += len(pcm)
                continue
            # An empty audio message ends the stream: the turn's results, then its end.
            await asyncio.sleep(self._delay)
            phrases = dictated(heard / BYTES_PER_SECOND) if self._dictation else self._phrases
            for phrase in [] if answered else phrases:
                await ws.send_str(_frame("speech.phrase", request_id, phrase))
            answered = True
            await ws.send_str(_frame("turn.end", request_id, {}))
        self._open.discard(ws)
        return ws


def _headers(block: str) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in block.split("\r\n") if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _frame(path: str, request_id: str, body: Mapping[str, Any]) -> str:
    head = f"X-RequestId:{request_id}\r\nPath:{path}\r\nContent-Type:application/json; charset=utf-8"
    return f"{head}\r\n\r\n{json.dumps(body)}"


def _without_wav_header(body: bytes) -> bytes:
    if body.startswith(b"RIFF"):
        return body[body.index(b"data") + 8 :]
    return body


def dictated(seconds: float) -> list[dict[str, Any]]:
    """A phrase in each ``PHRASE_SECONDS`` of ``seconds`` of audio, then no match to its end."""
    results: list[dict[str, Any]] = []
    start = 0.0
    while start + PHRASE_SECONDS <= seconds + 1e-9:
        results.append(spoken(f"Um, part {len(results) + 1} went well.", start + 0.5))
        start += PHRASE_SECONDS
    tail = {"Id": uuid.uuid4().hex, "RecognitionStatus": "NoMatch", "Channel": 0}
    results.append(tail | {"Offset": ticks(start), "Duration": ticks(max(0.0, seconds - start))})
    return results


def spoken(display: str, start: float, word_seconds: float = 0.4) -> dict[str, Any]:
    """A detailed ``Success`` result for ``display`` said from ``start``, a word each ``word_seconds``."""
    lexical = [word.strip(",.?!").lower() for word in display.split()]
    words = [
        {"Word": word, "Offset": ticks(start + i * word_seconds), "Duration": ticks(word_seconds * 0.8),
         "Confidence": 0.9}
        for i, word in enumerate(lexical)
    ]  # fmt: skip
    text = " ".join(lexical)
    best = {
        "Confidence": 0.9,
        "Lexical": text,
        "ITN": text,
        "MaskedITN": text,
        "Display": display,
        "Words": words,
    }
    duration = ticks(len(lexical) * word_seconds)
    return {
        "Id": uuid.uuid4().hex,
        "RecognitionStatus": "Success",
        "Offset": ticks(start),
        "Duration": duration,
        "Channel": 0,
        "DisplayText": display,
        "NBest": [best],
    }


def ticks(seconds: float) -> int:
    return round(seconds * TICKS_PER_SECOND)
