"""A WAV's duration comes from its size and byte rate (no demuxing), also when it is cut off."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gateway.probe import probe_media_sync


def sox_wav(path: Path, rate: int, channels: int, bits: int, seconds: float) -> Path:
    command = ["sox", "-n", "-r", str(rate), "-c", str(channels), "-b", str(bits), str(path)]
    subprocess.run([*command, "synth", str(seconds), "sine", "440"], check=True)
    return path


@pytest.mark.parametrize(("rate", "channels", "bits"), [(16_000, 1, 16), (44_100, 2, 24), (48_000, 2, 32)])
def test_a_wav_reports_its_length(tmp_path: Path, rate: int, channels: int, bits: int) -> None:
    probe = probe_media_sync(sox_wav(tmp_path / "a.wav", rate, channels, bits, 12.5))
    assert probe.has_audio is True
    assert probe.duration_seconds == pytest.approx(12.5, abs=0.01)


def test_a_cut_off_wav_reports_what_it_holds_not_what_its_header_claims(tmp_path: Path) -> None:
    whole = sox_wav(tmp_path / "whole.wav", 16_000, 1, 16, 20.0).read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: 44 + 16_000 * 2 * 5])  # the header and five seconds
    assert probe_media_sync(cut).duration_seconds == pytest.approx(5.0, abs=0.01)


def test_bytes_after_the_samples_are_not_audio(tmp_path: Path) -> None:
    padded = tmp_path / "padded.wav"
    padded.write_bytes(sox_wav(tmp_path / "short.wav", 16_000, 1, 16, 0.5).read_bytes() + b"\0" * 1_000_000)
    assert probe_media_sync(padded).duration_seconds == pytest.approx(0.5, abs=0.01)
