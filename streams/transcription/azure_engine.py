"""Production speech engine: Azure Speech through its SDK (the ``azure`` extra).

Each piece is pushed as 16 kHz 16-bit mono PCM into one continuous-recognition session;
the final results' detailed JSON is collected and mapped by :mod:`azure_mapping`. A session
that Azure cancels, or that does not finish in time, raises :class:`SpeechServiceError`,
which the transcriber's retries and dead-letter topic handle like any other failure.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import azure.cognitiveservices.speech as speechsdk
import numpy as np

from streams.transcription.azure_mapping import map_results
from streams.transcription.decoding import SAMPLE_RATE
from streams.transcription.errors import SpeechModelError
from streams.transcription.segments import RecognizedSegment
from streams.transcription.settings import TranscriptionSettings
from topics.errors import InterviewBuddyError

# Azure wants a locale; IB_LANGUAGE holds Whisper's two-letter code unless it is set to one.
LOCALES = {
    "en": "en-US",
    "de": "de-DE",
    "es": "es-ES",
    "fr": "fr-FR",
    "it": "it-IT",
    "ja": "ja-JP",
    "ko": "ko-KR",
    "nl": "nl-NL",
    "pl": "pl-PL",
    "pt": "pt-BR",
    "sv": "sv-SE",
    "zh": "zh-CN",
}


class SpeechServiceError(InterviewBuddyError):
    """Azure Speech refused or dropped a recognition; retrying later may succeed."""

    code = "speech_service_unavailable"
    user_message = "The speech service is unavailable right now; your interview will be retried."


class SpeechServiceAuthError(SpeechServiceError):
    """Our key, region or endpoint is wrong: an operator has to act before retries can succeed."""

    code = "speech_service_auth_failed"


class SpeechServiceQuotaError(SpeechServiceError):
    """HTTP 429: the subscription's rate or quota is used up for now."""

    code = "speech_service_quota_exceeded"
    user_message = "The speech service is busy right now; your interview will be retried."


def cancellation_error(code: str, details: str) -> SpeechServiceError:
    """The project error for a cancellation, from the SDK's ``CancellationErrorCode`` name and details."""
    if code in ("AuthenticationFailure", "Forbidden"):
        return SpeechServiceAuthError(
            f"Azure Speech rejected our credentials ({code}): check IB_AZURE_SPEECH_KEY and "
            f"IB_AZURE_SPEECH_REGION or IB_AZURE_SPEECH_ENDPOINT. {details}"
        )
    if code == "TooManyRequests":
        return SpeechServiceQuotaError(f"Azure Speech quota or rate limit reached (429, {code}). {details}")
    return SpeechServiceError(f"Azure Speech cancelled the recognition ({code}). {details}")


@dataclass(frozen=True)
class RecognitionTimeout:
    """How long to wait for a piece: Azure takes about real time, plus connection set-up."""

    base_seconds: float = 15.0
    per_audio_second: float = 2.0

    def for_audio(self, seconds: float) -> float:
        return self.base_seconds + self.per_audio_second * seconds


class AzureSpeechEngine:
    name = "azure"

    def __init__(self, settings: TranscriptionSettings, *, timeout: RecognitionTimeout | None = None) -> None:
        locale = azure_locale(settings.language)
        self._language = locale.split("-")[0].lower()
        self._config = speech_config(settings, locale)
        self._timeout = timeout or RecognitionTimeout()

    def recognize(self, audio: np.ndarray, offset: float) -> list[RecognizedSegment]:
        if audio.size == 0:
            return []
        seconds = audio.shape[0] / SAMPLE_RATE
        results = self._recognize_pcm(pcm16(audio), self._timeout.for_audio(seconds))
        return map_results(results, offset, self._language)

    def _recognize_pcm(self, pcm: bytes, timeout: float) -> list[str]:
        stream_format = speechsdk.audio.AudioStreamFormat(
            samples_per_second=SAMPLE_RATE, bits_per_sample=16, channels=1
        )
        stream = speechsdk.audio.PushAudioInputStream(stream_format=stream_format)
        recognizer = speechsdk.SpeechRecognizer(
            speech_config=self._config, audio_config=speechsdk.audio.AudioConfig(stream=stream)
        )
        session = _Session()
        recognizer.recognized.connect(session.on_recognized)
        recognizer.canceled.connect(session.on_canceled)
        recognizer.session_stopped.connect(session.on_stopped)
        recognizer.start_continuous_recognition()
        stream.write(pcm)
        stream.close()  # end of stream: the session stops once the last result is in
        finished = session.done.wait(timeout)
        if finished and session.error is None:
            recognizer.stop_continuous_recognition()
            return list(session.results)
        _release_in_background(recognizer, stream)
        # This frame must not hold the last reference: the SDK's destructors would block here.
        del recognizer, stream
        if session.error is not None:
            raise session.error
        raise SpeechServiceError(f"Azure Speech gave no final result within {timeout:.0f} s")


class _Session:
    """What the SDK's callbacks (on its own threads) report back to the waiting caller."""

    def __init__(self) -> None:
        self.results: list[str] = []
        self.error: SpeechServiceError | None = None
        self.done = threading.Event()

    # The SDK swallows exceptions raised in callbacks: each one turns them into an error
    # and wakes the caller, so a failure cannot look like a silent piece or a hang.
    def on_recognized(self, event: speechsdk.SpeechRecognitionEventArgs) -> None:
        try:
            if event.result.json:
                self.results.append(event.result.json)
        except Exception as exc:
            self._fail(SpeechServiceError(f"unreadable Azure Speech result: {exc!r}"))

    def on_canceled(self, event: speechsdk.SpeechRecognitionCanceledEventArgs) -> None:
        try:
            details = event.cancellation_details
            # EndOfStream is the normal end of a pushed stream; session_stopped follows it.
            if details.reason == speechsdk.CancellationReason.Error:
                self._fail(cancellation_error(details.code.name, details.error_details))
        except Exception as exc:
            self._fail(SpeechServiceError(f"unreadable Azure Speech cancellation: {exc!r}"))

    def on_stopped(self, _event: speechsdk.SessionEventArgs) -> None:
        self.done.set()

    def _fail(self, error: SpeechServiceError) -> None:
        if self.error is None:
            self.error = error
        self.done.set()


def _release_in_background(
    recognizer: speechsdk.SpeechRecognizer, stream: speechsdk.audio.PushAudioInputStream
) -> None:
    """Stops and frees a failed recognizer off the caller's thread.

    After a cancellation or a silent service the SDK blocks in stop and in its destructors
    until its own timeouts run out (10-25 s); the caller has already got its error by then.
    """

    def release(recognizer: speechsdk.SpeechRecognizer, _stream: object) -> None:
        # Nothing left to report a failure to: the piece has already failed.
        with contextlib.suppress(Exception):
            recognizer.stop_continuous_recognition()

    # The thread drops its arguments when it ends, so the last references go on that thread.
    threading.Thread(
        target=release, args=(recognizer, stream), name="azure-speech-release", daemon=True
    ).start()


def pcm16(audio: np.ndarray) -> bytes:
    """float32 samples in [-1, 1] as 16-bit little-endian PCM; louder samples are clipped."""
    samples = np.nan_to_num(audio.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=-1.0)
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def azure_locale(language: str | None) -> str:
    if language and "-" in language:
        return language
    locale = LOCALES.get((language or "").lower())
    if locale is None:
        raise SpeechModelError(
            f"IB_LANGUAGE={language!r} has no Azure Speech locale: set IB_LANGUAGE to a locale such as en-US"
        )
    return locale


def speech_config(settings: TranscriptionSettings, locale: str) -> speechsdk.SpeechConfig:
    key = settings.azure_speech_key.get_secret_value() if settings.azure_speech_key else None
    endpoint = settings.azure_speech_endpoint
    try:
        if endpoint is None:
            config = speechsdk.SpeechConfig(subscription=key, region=settings.azure_speech_region)
        elif urlsplit(endpoint).path.strip("/"):
            config = speechsdk.SpeechConfig(subscription=key, endpoint=endpoint)
        else:
            config = speechsdk.SpeechConfig(subscription=key, host=endpoint.rstrip("/"))
    except (ValueError, RuntimeError) as exc:
        raise SpeechModelError(f"Azure Speech settings rejected by the SDK: {exc}") from exc
    config.speech_recognition_language = locale
    config.output_format = speechsdk.OutputFormat.Detailed
    config.request_word_level_timestamps()  # also asks for word confidences
    # Interview feedback quotes what was said; masking would also hide words from the metrics.
    config.set_profanity(speechsdk.ProfanityOption.Raw)
    return config
