"""Which recording formats the pipeline accepts, judged by a file's first bytes.

A file's name and the browser's Content-Type are easy to get wrong; the container's own
signature is not. The decoder (PyAV) reads all of these.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Enough bytes to see an MP4 brand, a RIFF header or an EBML DocType.
SNIFF_BYTES = 64
ALLOWED_FORMATS = "MP4, MOV, WebM, M4A or WAV"

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# QuickTime files made before the ftyp box existed start with one of these atoms.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


@dataclass(frozen=True)
class MediaFormat:
    name: str
    content_type: str
    extension: str


MP4 = MediaFormat("MP4", "video/mp4", ".mp4")
MOV = MediaFormat("MOV", "video/quicktime", ".mov")
M4A = MediaFormat("M4A", "audio/mp4", ".m4a")
WEBM = MediaFormat("WebM", "video/webm", ".webm")
WAV = MediaFormat("WAV", "audio/wav", ".wav")


def sniff_media_format(head: bytes) -> MediaFormat | None:
    """The recording format of a file that starts with ``head``, or None when not allowed."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _M4A_BRANDS:
            return M4A
        if brand == b"qt  ":
            return MOV
        return MP4
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return MOV
    if head[:4] == _EBML_MAGIC:
        # Matroska shares WebM's EBML header; only its DocType tells them apart.
        return None if b"matroska" in head[:SNIFF_BYTES] else WEBM
    return None
