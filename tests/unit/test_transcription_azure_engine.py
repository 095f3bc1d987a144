"""The Azure engine with the real Speech SDK, pointed at a local server instead of Azure
(``FakeSpeechService`` in tests/fakes/azure_speech.py, which tells what it speaks of the
protocol): results, errors, refusals and a service that never answers."""

from __future__ import annotations

import pickle
import socket
import time
import wave
from pathlib import Path
from typing import Any

import azure.cognitiveservices.speech as speechsdk
import numpy as np
import pytest

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
from tests.fakes.azure_speech import NO_MATCH, PHRASE, FakeSpeechService


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
