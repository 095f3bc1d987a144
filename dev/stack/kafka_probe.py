"""Ask a Kafka broker for its cluster metadata over the wire protocol, without a client library.

A health check must be quick, synchronous and quiet; one Metadata request (version 4, the
oldest that Kafka 4.x still serves, and no topics asked for) says whether the broker is up and
has joined its own cluster.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

METADATA_API_KEY = 3
METADATA_VERSION = 4


@dataclass(frozen=True)
class Broker:
    node_id: int
    host: str
    port: int


@dataclass(frozen=True)
class ClusterMetadata:
    cluster_id: str | None
    controller_id: int
    brokers: tuple[Broker, ...]


class ProtocolError(ValueError):
    """The bytes are not a Metadata response we asked for."""


def encode_metadata_request(correlation_id: int, client_id: str = "ib-stack") -> bytes:
    """A size-prefixed Metadata v4 request for no topics, without creating any."""
    client = client_id.encode()
    header = struct.pack(">hhih", METADATA_API_KEY, METADATA_VERSION, correlation_id, len(client)) + client
    body = struct.pack(">i?", 0, False)  # topics: empty array; allow_auto_topic_creation: false
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        if self.offset + size > len(self.data):
            raise ProtocolError("response ends early")
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += size
        return int(value)

    def string(self) -> str | None:
        length = self.take(">h")
        if length < 0:
            return None
        end = self.offset + length
        if end > len(self.data):
            raise ProtocolError("response ends early")
        value = self.data[self.offset : end].decode()
        self.offset = end
        return value


def decode_metadata_response(payload: bytes, correlation_id: int) -> ClusterMetadata:
    """Decode a Metadata v4 response body (without its size prefix)."""
    reader = _Reader(payload)
    if reader.take(">i") != correlation_id:
        raise ProtocolError("response to another request")
    reader.take(">i")  # throttle_time_ms
    brokers = []
    for _ in range(reader.take(">i")):
        node_id = reader.take(">i")
        host = reader.string() or ""
        port = reader.take(">i")
        reader.string()  # rack
        brokers.append(Broker(node_id, host, port))
    cluster_id = reader.string()
    controller_id = reader.take(">i")
    return ClusterMetadata(cluster_id, controller_id, tuple(brokers))


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ProtocolError("connection closed by the broker")
        chunks.extend(chunk)
    return bytes(chunks)


def fetch_metadata(host: str, port: int, timeout_s: float = 3.0) -> ClusterMetadata:
    """Connect, ask, decode. Raises OSError or ProtocolError when the broker does not answer."""
    correlation_id = 7
    with socket.create_connection((host, port), timeout=timeout_s) as sock:
        sock.sendall(encode_metadata_request(correlation_id))
        (size,) = struct.unpack(">i", _receive_exactly(sock, 4))
        return decode_metadata_response(_receive_exactly(sock, size), correlation_id)


def broker_is_ready(host: str, port: int, timeout_s: float = 3.0) -> bool:
    """True when the broker answers a metadata request and lists at least one live broker."""
    try:
        return bool(fetch_metadata(host, port, timeout_s).brokers)
    except (OSError, ProtocolError):
        return False
