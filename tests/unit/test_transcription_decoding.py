import wave
from pathlib import Path

import numpy as np
import pytest

from streams.transcription.decoding import SAMPLE_RATE, looks_like_media, probe_duration, read_window
from streams.transcription.errors import EmptyRecordingError, NotMediaError


def write_stereo_wav(path: Path, seconds: float, rate: int = 44_100) -> None:
    """Left channel: 1 s ramps of level k/10 in second k, so a sample's time is readable from its level."""
    t = np.arange(int(seconds * rate))
    level = (t // rate + 1) / 20.0
    left = level * np.sign(np.sin(2 * np.pi * 100 * t / rate))
    frames = np.stack([left, left], axis=1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames * 32767).astype("<i2").tobytes())


def test_any_rate_and_channels_become_16k_mono_float32(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    write_stereo_wav(path, 5.0)
    assert probe_duration(path) == pytest.approx(5.0, abs=0.01)
    window = read_window(path, 0.0, 10.0)
    assert window.samples.dtype == np.float32
    assert window.samples.shape[0] == pytest.approx(5 * SAMPLE_RATE, abs=200)
    assert window.reached_end


def test_window_after_a_seek_starts_at_the_asked_time(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    write_stereo_wav(path, 8.0)
    window = read_window(path, 3.0, 2.0)
    assert window.samples.shape[0] == 2 * SAMPLE_RATE
    assert not window.reached_end
    peak_first_half = np.abs(window.samples[2000:14000]).max()
    peak_second_half = np.abs(window.samples[18000:30000]).max()
    # Seconds 3 and 4 have levels 4 and 5 (the downmix gain cancels out in the ratio).
    assert peak_second_half / peak_first_half == pytest.approx(5 / 4, rel=0.05)


def test_headers_tell_damaged_media_from_other_files() -> None:
    assert looks_like_media(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00")
    assert looks_like_media(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    assert looks_like_media(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81")
    assert not looks_like_media(b"These are my no")


def test_empty_and_text_files_are_refused_with_words_for_the_user(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(EmptyRecordingError) as caught:
        probe_duration(empty)
    assert "empty" in caught.value.user_message
    notes = tmp_path / "notes.mp4"
    notes.write_text("my notes\n" * 100)
    with pytest.raises(NotMediaError) as caught_text:
        probe_duration(notes)
    assert "not an audio or video recording" in caught_text.value.user_message
