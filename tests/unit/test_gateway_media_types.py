from __future__ import annotations

import io
import wave

import pytest

from gateway.media_types import M4A, MOV, MP4, WAV, WEBM, sniff_media_format


def _wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x00\x00" * 160)
    return buffer.getvalue()


def _ftyp(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x20ftyp" + brand + b"\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 40


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_wav_bytes(), WAV),
        (_ftyp(b"isom"), MP4),
        (_ftyp(b"mp42"), MP4),
        (_ftyp(b"M4A "), M4A),
        (_ftyp(b"qt  "), MOV),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", MOV),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87\x81\x04", WEBM),
    ],
)
def test_recognizes_allowed_containers_by_their_signature(head: bytes, expected: object) -> None:
    assert sniff_media_format(head[:64]) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 50,  # a PDF renamed to .mp4
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 50,  # MP3: not a format we accept
        b"RIFF\x24\x00\x00\x00AVI LIST",  # RIFF, but video AVI rather than WAVE
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # Matroska, not WebM
        b"hello",
        b"",
    ],
)
def test_refuses_everything_else(head: bytes) -> None:
    assert sniff_media_format(head) is None
