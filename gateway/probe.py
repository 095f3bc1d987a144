"""What a completed recording holds, read with PyAV: its duration and whether it has sound.

Only the container is demuxed (no decoding), in a thread. A file PyAV cannot open is
still accepted: the worker gives the precise reason later, so here it just gets nulls.

A recording in Azure Blob is probed where it lies, through a read-only SAS URL that lives a
few minutes: FFmpeg reads it with HTTP range requests, the header and the last seconds, so the
gateway never downloads it (a file whose header declares no length, as browser WebM, is read
through to find its end).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

import av

from sinks.blobs.store import BlobStore
from sinks.errors import BlobStoreError

#: How long the probe's own SAS URL is valid: it is used at once, and only by this process.
PROBE_URL_LIFETIME = timedelta(minutes=15)
#: FFmpeg gives up on a stalled HTTP read after this long (microseconds).
HTTP_TIMEOUT_MICROSECONDS = str(30 * 1_000_000)


@dataclass(frozen=True)
class MediaProbe:
    duration_seconds: float | None
    has_audio: bool | None


UNKNOWN = MediaProbe(duration_seconds=None, has_audio=None)


async def probe_media(path: Path) -> MediaProbe:
    return await asyncio.to_thread(probe_media_sync, path)


def probe_media_sync(path: Path) -> MediaProbe:
    try:
        size = path.stat().st_size
    except OSError:
        return UNKNOWN
    return probe_source_sync(str(path), size)


async def probe_url(url: str, size: int) -> MediaProbe:
    """Probe a recording over HTTP(S) (``size`` bytes long); the URL never reaches a log:
    PyAV keeps FFmpeg's logging off, and a failure here is answered with nulls."""
    options = {"rw_timeout": HTTP_TIMEOUT_MICROSECONDS, "seekable": "1"}
    return await asyncio.to_thread(partial(probe_source_sync, url, size, options, remote=True))


def probe_source_sync(
    source: str, size: int, options: dict[str, str] | None = None, *, remote: bool = False
) -> MediaProbe:
    """``remote``: ``source`` is a URL, where reading every packet means downloading the whole
    recording, so the duration is read from its last seconds first (see ``_tail_duration``)."""
    try:
        container = av.open(source, mode="r", options=options or {})
    except (av.error.FFmpegError, OSError):
        return UNKNOWN
    with container:
        has_audio = bool(container.streams.audio)
        stream = container.streams.audio[0] if has_audio else next(iter(container.streams.video), None)
        if stream is None:
            return MediaProbe(duration_seconds=None, has_audio=False)
        duration = _pcm_duration(size, container, stream)
        try:
            if duration is None and remote:
                duration = _tail_duration(container, stream)
            if duration is None:
                duration = _duration(container, stream)
        except av.error.FFmpegError:
            duration = None  # the tail probe could not seek back to the start: no figure, not a guess
        return MediaProbe(duration_seconds=duration, has_audio=has_audio)


#: A WAV header is 44 bytes or a little more; at 16 kHz mono 16-bit that is under 2 ms.
WAV_HEADER_BYTES = 44


def _pcm_duration(
    size: int, container: av.container.InputContainer, stream: av.stream.Stream
) -> float | None:
    """Uncompressed WAV: the duration is the bytes over the byte rate, no demuxing (reading
    every packet of a 1 GB WAV took about 4 s): the header's data length, or what the file
    holds when it was cut off."""
    if container.format.name != "wav" or not stream.codec_context.name.startswith("pcm_"):
        return None
    # The coded bit rate: 24-bit PCM decodes to 32-bit samples, so not rate × channels × sample size.
    bit_rate = container.streams.audio[0].bit_rate
    if not bit_rate:
        return None
    bytes_per_second = bit_rate / 8
    on_disk = max(size - WAV_HEADER_BYTES, 0) / bytes_per_second
    # The header's data length when it is shorter: chunks after the samples (LIST, id3) or
    # padding are not audio.
    declared = container.duration / av.time_base if container.duration is not None else on_disk
    return round(min(on_disk, declared), 3)


#: How far before the declared end the tail probe starts reading.
TAIL_SECONDS = 10.0


def _tail_duration(container: av.container.InputContainer, stream: av.stream.Stream) -> float | None:
    """The end of the last packets, read after a seek to a few seconds before the end the
    container declares (one range request for the index's offset, then the tail), or None
    when there is no declared end (browser WebM) or nothing is found there: a cut-off file
    whose index points past its end falls back to reading every packet."""
    if container.duration is None or stream.time_base is None:
        return None
    declared = container.duration / av.time_base
    try:
        container.seek(
            int(max(declared - TAIL_SECONDS, 0.0) / stream.time_base), stream=stream, backward=True
        )
    except av.error.FFmpegError:
        return None
    end = _packets_end(container, stream)
    if end is None or end < declared - TAIL_SECONDS:
        container.seek(0, stream=stream, backward=True)
        return None
    return round(end, 3)


def _packets_end(container: av.container.InputContainer, stream: av.stream.Stream) -> float | None:
    end: float | None = None
    try:
        for packet in container.demux(stream):
            if packet.pts is None or packet.time_base is None or packet.size == 0:
                continue
            packet_end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            end = packet_end if end is None else max(end, packet_end)
    except av.error.FFmpegError:
        pass  # damaged further on: what was read so far is still the best figure
    return end


def _duration(container: av.container.InputContainer, stream: av.stream.Stream) -> float | None:
    # The packets' end, not the header: browser WebM files declare no duration, and a cut-off
    # MP4 still claims its full length. Demuxing an hour takes about a second.
    end = _packets_end(container, stream)
    if end is None and container.duration is not None:
        end = container.duration / av.time_base
    return None if end is None else round(max(end, 0.0), 3)


async def probe_blob(blob_store: BlobStore, uri: str, size: int) -> MediaProbe:
    """Probe a stored recording (``size`` bytes) where it lies: its local file, or through a
    short-lived read-only URL; nulls when the store has neither or cannot sign a URL."""
    path = blob_store.local_path(uri)
    if path is not None:
        return await probe_media(path)
    try:
        url = blob_store.read_url(uri, lifetime=PROBE_URL_LIFETIME)
    except BlobStoreError:
        return UNKNOWN  # no account key to sign with: the worker reports the duration
    return UNKNOWN if url is None else await probe_url(url, size)
