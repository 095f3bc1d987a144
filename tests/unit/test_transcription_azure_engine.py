"""The Azure engine with the real Speech SDK, pointed at a local server instead of Azure.

``FakeSpeechService`` speaks enough of the service's WebSocket protocol for the SDK: per turn
the SDK sends ``speech.config``/``speech.context`` text frames and ``audio`` binary frames (a
2-byte header length, headers, then a WAV header and PCM; an empty body ends the stream);
the service answers ``turn.start``, ``speech.phrase`` results and ``turn.end``, each a text
frame of headers and a JSON body. It can also refuse the WebSocket upgrade with an HTTP
status, as Azure does for a bad key (401) or a spent quota (429), or never answer.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import socket
import threading
import time
import wave
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import azure.cognitiveservices.speech as speechsdk
import numpy as np
import pytest
from aiohttp import WSMsgType, web

from streams.transcription.azure_engine import (
    AzureSpeechEngine,
    RecognitionTimeout,
    SpeechServiceAuthError,
    SpeechServiceError,
    SpeechServiceQuotaError,
    cancellation_error,
    pcm16,
)
from streams.transcription.decoding import SAMPLE_RATE
from streams.transcription.errors import SpeechModelError
from streams.transcription.segments import RecognizedSegment
from streams.transcription.service import TranscriptionService
from streams.transcription.settings import TranscriptionSettings
from streams.transcription.worker import build_engine

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
    ) -> None:
        self._phrases = list(phrases)
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
        request_id, turn_started, answered = "", False, False
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
                self.audio += _without_wav_header(body)
                continue
            # An empty audio message ends the stream: the turn's results, then its end.
            for phrase in [] if answered else self._phrases:
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


def azure_settings(**overrides: Any) -> TranscriptionSettings:
    values: dict[str, Any] = {"asr_engine": "azure", "azure_speech_key": "bogus-key", "language": "en"}
    return TranscriptionSettings(**(values | overrides))


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float32) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return int(listener.getsockname()[1])


def test_recognizes_a_piece_through_the_sdk_with_the_settings_it_needs() -> None:
    audio = tone(2.0)
    with FakeSpeechService([PHRASE, NO_MATCH]) as service:
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=service.host))
        segments = engine.recognize(audio, offset=30.0)
    assert [(s.text, s.start, s.end, s.language) for s in segments] == [
        ("Um, so I led it.", 30.5, 31.7, "en")
    ]
    assert segments[0].words[0].confidence == 0.8012
    query = service.requests[0]
    for expected in ("format=detailed", "wordLevelTimestamps=true", "profanity=raw", "language=en-US"):
        assert expected in query
    assert service.keys[0] == "bogus-key"
    assert bytes(service.audio) == pcm16(audio)  # once: NO_MATCH accounts for the tail


def test_a_full_endpoint_url_is_used_as_given() -> None:
    with FakeSpeechService([PHRASE]) as service:
        endpoint = f"{service.host}/stt/speech/recognition/conversation/cognitiveservices/v1"
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=endpoint))
        assert [s.text for s in engine.recognize(tone(1.0), offset=0.0)] == ["Um, so I led it."]
    assert service.requests[0].startswith("/stt/speech/recognition/")


def test_rejected_key_is_an_auth_error_promptly() -> None:
    with FakeSpeechService(reject_status=401) as service:
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=service.host))
        started = time.monotonic()
        with pytest.raises(SpeechServiceAuthError, match="AuthenticationFailure") as raised:
            engine.recognize(tone(1.0), offset=0.0)
    assert time.monotonic() - started < 5
    assert "IB_AZURE_SPEECH_KEY" in str(raised.value)
    assert raised.value.user_message.startswith("The speech service is unavailable right now")


def test_spent_quota_is_a_quota_error() -> None:
    with FakeSpeechService(reject_status=429) as service:
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=service.host))
        with pytest.raises(SpeechServiceQuotaError, match="429"):
            engine.recognize(tone(1.0), offset=0.0)


def test_unreachable_endpoint_fails_promptly_instead_of_hanging() -> None:
    engine = AzureSpeechEngine(
        azure_settings(azure_speech_endpoint=f"ws://127.0.0.1:{closed_port()}"),
        timeout=RecognitionTimeout(base_seconds=8.0, per_audio_second=0.0),
    )
    started = time.monotonic()
    with pytest.raises(SpeechServiceError, match="ConnectionFailure") as raised:
        engine.recognize(tone(1.0), offset=0.0)
    assert time.monotonic() - started < 5
    assert not isinstance(raised.value, SpeechServiceAuthError | SpeechServiceQuotaError)


def test_a_service_that_never_answers_times_out() -> None:
    with FakeSpeechService(answer=False) as service:
        engine = AzureSpeechEngine(
            azure_settings(azure_speech_endpoint=service.host),
            timeout=RecognitionTimeout(base_seconds=1.0, per_audio_second=0.5),
        )
        started = time.monotonic()
        with pytest.raises(SpeechServiceError, match="no final result within 2 s"):
            engine.recognize(tone(2.0), offset=0.0)
        assert time.monotonic() - started < 4


def test_empty_audio_is_not_sent() -> None:
    with FakeSpeechService([PHRASE]) as service:
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=service.host))
        assert engine.recognize(np.zeros(0, dtype=np.float32), offset=0.0) == []
    assert service.requests == []


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (speechsdk.CancellationErrorCode.AuthenticationFailure, SpeechServiceAuthError),
        (speechsdk.CancellationErrorCode.Forbidden, SpeechServiceAuthError),
        (speechsdk.CancellationErrorCode.TooManyRequests, SpeechServiceQuotaError),
        (speechsdk.CancellationErrorCode.ConnectionFailure, SpeechServiceError),
        (speechsdk.CancellationErrorCode.ServiceUnavailable, SpeechServiceError),
        (speechsdk.CancellationErrorCode.BadRequest, SpeechServiceError),
    ],
)
def test_cancellation_codes_map_to_errors_an_operator_can_tell_apart(
    code: speechsdk.CancellationErrorCode, kind: type[SpeechServiceError]
) -> None:
    error = cancellation_error(code.name, "WebSocket upgrade failed. SessionId: 1234")
    assert type(error) is kind
    assert code.name in str(error) and "SessionId: 1234" in str(error)
    assert "retried" in error.user_message


def test_errors_survive_the_trip_back_from_the_worker_process() -> None:
    error = cancellation_error("TooManyRequests", "Too many requests (429).")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.user_message, copy.code) == (
        SpeechServiceQuotaError,
        str(error),
        error.user_message,
        "speech_service_quota_exceeded",
    )


def test_pcm_is_16_bit_little_endian_and_clipped() -> None:
    audio = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 1.7, -3.0, np.nan], dtype=np.float32)
    pcm = pcm16(audio)
    assert len(pcm) == 2 * audio.size
    assert np.frombuffer(pcm, dtype="<i2").tolist() == [0, 16384, -16384, 32767, -32767, 32767, -32767, 0]
    assert pcm[6:8] == b"\xff\x7f"  # 32767, low byte first


async def test_the_transcriber_pool_runs_the_engine_and_carries_its_errors_back(tmp_path: Path) -> None:
    recording = tmp_path / "answer.wav"
    with wave.open(str(recording), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm16(tone(2.0)))
    with FakeSpeechService([PHRASE, NO_MATCH]) as service:
        transcriber = TranscriptionService(azure_settings(azure_speech_endpoint=service.host))
        await transcriber.start()
        try:
            items = [item async for item in transcriber.transcribe(recording)]
        finally:
            await transcriber.stop()
    assert transcriber.engine_name == "azure"
    assert [item.text for item in items if isinstance(item, RecognizedSegment)] == ["Um, so I led it."]
    with FakeSpeechService(reject_status=401) as service:
        transcriber = TranscriptionService(azure_settings(azure_speech_endpoint=service.host))
        await transcriber.start()
        try:
            with pytest.raises(SpeechServiceAuthError):
                _ = [item async for item in transcriber.transcribe(recording)]
        finally:
            await transcriber.stop()


def test_worker_builds_the_azure_engine() -> None:
    engine = build_engine(azure_settings(azure_speech_region="westeurope"))
    assert isinstance(engine, AzureSpeechEngine) and engine.name == "azure"


def test_a_locale_is_passed_through_and_an_unknown_language_refused_at_start() -> None:
    with FakeSpeechService([PHRASE]) as service:
        engine = AzureSpeechEngine(azure_settings(azure_speech_endpoint=service.host, language="en-GB"))
        [segment] = engine.recognize(tone(1.0), offset=0.0)
    assert "language=en-GB" in service.requests[0] and segment.language == "en"
    with pytest.raises(SpeechModelError, match="IB_LANGUAGE"):
        AzureSpeechEngine(azure_settings(azure_speech_region="westeurope", language="xx"))
