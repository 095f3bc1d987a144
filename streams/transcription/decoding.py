"""Reading recordings with PyAV: probing, and decoding one window at a time.

Only one window (a piece of ~30 s) is ever decoded into memory, so a 60-minute upload costs
the same memory as a 1-minute one. Every way a file can fail to be a recording is turned
into a :class:`MediaError` subclass the user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from streams.transcription.errors import (
    EmptyRecordingError,
    MediaError,
    NoAudioTrackError,
    NotMediaError,
    TruncatedMediaError,
)

SAMPLE_RATE = 16_000
# A container that says it lasts longer than the packets it holds by more than this was cut off.
TRUNCATION_TOLERANCE_SECONDS = 1.0


def looks_like_media(header: bytes) -> bool:
    """True when the first bytes are those of a container we accept (so a failure to open is damage)."""
    return (
        header[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
        or (header[:4] == b"RIFF" and header[8:12] == b"WAVE")
        or header[:4] == b"\x1a\x45\xdf\xa3"  # EBML: WebM / Matroska
        or header[:4] == b"OggS"
    )


def _open(path: Path) -> tuple[av.container.InputContainer, av.audio.stream.AudioStream]:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise MediaError(f"{path} does not exist") from exc
    if size == 0:
        raise EmptyRecordingError(f"{path} is empty")
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        with path.open("rb") as file:
            header = file.read(16)
        if looks_like_media(header):
            raise TruncatedMediaError(f"{path}: {exc}") from exc
        raise NotMediaError(f"{path}: {exc}") from exc
    if not container.streams.audio:
        has_video = bool(container.streams.video)
        container.close()
        if has_video:
            raise NoAudioTrackError(f"{path} has no audio stream")
        raise NotMediaError(f"{path} has no audio or video stream")
    return container, container.streams.audio[0]


def probe_duration(path: Path) -> float:
    """Seconds of audio, from the packets themselves.

    Demuxing without decoding is fast (about a second for an hour) and catches what headers
    hide: browser WebM files carry no duration, and an MP4 cut off after its index still
    claims its full length.
    """
    container, stream = _open(path)
    with container:
        time_base = stream.time_base
        declared = float(stream.duration * time_base) if stream.duration and time_base else None
        end = 0.0
        packets = 0
        try:
            for packet in container.demux(stream):
                if packet.pts is None or packet.size == 0:
                    continue
                packets += 1
                packet_end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                end = max(end, packet_end)
        except av.error.FFmpegError as exc:
            raise TruncatedMediaError(f"{path}: {exc}") from exc
        if packets == 0:
            raise TruncatedMediaError(f"{path}: the audio track holds no data")
        if declared is not None and end < declared - TRUNCATION_TOLERANCE_SECONDS:
            raise TruncatedMediaError(f"{path}: header says {declared:.1f} s, data ends at {end:.1f} s")
        return max(end, 0.0)


@dataclass(frozen=True)
class AudioWindow:
    start: float  # seconds from the start of the recording
    samples: np.ndarray  # 16 kHz mono float32
    reached_end: bool


def read_window(path: Path, start: float, seconds: float) -> AudioWindow:
    """Decodes [start, start + seconds) to 16 kHz mono float32, seeking instead of reading from 0."""
    container, stream = _open(path)
    wanted = round(seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    have = 0
    position: int | None = None  # sample index (16 kHz) of the next resampled sample
    first_sample = round(start * SAMPLE_RATE)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    reached_end = True
    with container:
        if start > 0 and stream.time_base:
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        try:
            for frame in container.decode(stream):
                if position is None:
                    frame_time = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                    position = round(max(frame_time, 0.0) * SAMPLE_RATE)
                for out in resampler.resample(frame):
                    position, have = _take(out, position, first_sample, wanted, chunks, have)
                if have >= wanted:
                    reached_end = False
                    break
            else:
                for out in resampler.resample(None):
                    position, have = _take(out, position or 0, first_sample, wanted, chunks, have)
        except av.error.FFmpegError as exc:
            raise TruncatedMediaError(f"{path}: {exc}") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return AudioWindow(start=start, samples=samples[:wanted], reached_end=reached_end)


def _take(
    frame: av.AudioFrame, position: int, first: int, wanted: int, chunks: list[np.ndarray], have: int
) -> tuple[int, int]:
    data = frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)
    begin = position
    position += data.shape[0]
    if position <= first or have >= wanted:
        return position, have
    data = data[max(first - begin, 0) :][: wanted - have]
    chunks.append(data)
    return position, have + data.shape[0]
