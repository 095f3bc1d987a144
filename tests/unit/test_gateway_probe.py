"""A WAV's duration comes from its size and byte rate (no demuxing), also when it is cut off;
a recording behind a URL (Azure, through a SAS URL) is probed without downloading it."""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dev.synthesize import encode_av
from gateway.probe import probe_media_sync, probe_url


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


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves one file with HTTP range requests (as Azure Blob does) and counts what it sends."""

    data = b""
    sent = 0

    def setup(self) -> None:
        super().setup()
        # Little kept in flight, so what is counted as sent is about what the reader took.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65_536)

    def do_GET(self) -> None:
        start, end = 0, len(self.data) - 1
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if wanted:
            start = int(wanted.group(1))
            end = min(int(wanted.group(2) or end), end)
        if start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(self.data)}")
            self.end_headers()
            return
        self.send_response(206 if wanted else 200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(self.data)}")
        self.end_headers()
        try:
            for at in range(start, end + 1, 65_536):
                chunk = self.data[at : min(at + 65_536, end + 1)]
                self.wfile.write(chunk)
                type(self).sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader had what it needed

    def log_message(self, *_args: object) -> None:
        pass


@contextlib.contextmanager
def served(data: bytes) -> Iterator[tuple[str, type[_RangeHandler]]]:
    handler = type("Handler", (_RangeHandler,), {"data": data, "sent": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/recording", handler
    finally:
        server.shutdown()
        server.server_close()


def mov(tmp_path: Path, seconds: float, faststart: bool) -> Path:
    """A QuickTime file of PCM (cheap to make, ~10 MB a minute), its index first or last."""
    wav = sox_wav(tmp_path / "tone.wav", 16_000, 1, 16, seconds)
    return encode_av(wav, tmp_path / f"tone-{faststart}.mov", "pcm_s16le", "mov", faststart=faststart)


@pytest.mark.parametrize("faststart", [False, True])
async def test_a_recording_behind_a_url_is_probed_from_its_ends_not_downloaded(
    tmp_path: Path, faststart: bool
) -> None:
    recording = mov(tmp_path, 120.0, faststart)
    data = recording.read_bytes()
    with served(data) as (url, handler):
        probe = await probe_url(url, len(data))
    assert probe.has_audio is True
    assert probe.duration_seconds == pytest.approx(probe_media_sync(recording).duration_seconds, abs=0.05)
    assert handler.sent < 0.3 * len(data), f"read {handler.sent} of {len(data)} bytes"


async def test_a_cut_off_recording_behind_a_url_reports_what_it_holds(tmp_path: Path) -> None:
    """Its index claims two minutes; only the first half is there: every packet is read."""
    cut = tmp_path / "cut.mov"
    whole = mov(tmp_path, 120.0, faststart=True).read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])
    with served(cut.read_bytes()) as (url, _handler):
        probe = await probe_url(url, cut.stat().st_size)
    assert probe.duration_seconds == pytest.approx(probe_media_sync(cut).duration_seconds, abs=0.05)
    assert probe.duration_seconds is not None and probe.duration_seconds < 70
