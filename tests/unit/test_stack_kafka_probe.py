from __future__ import annotations

import struct

import pytest

from dev.stack.kafka_probe import Broker, ProtocolError, decode_metadata_response, encode_metadata_request


def _string(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    return struct.pack(">h", len(text)) + text.encode()


def _response(correlation_id: int, brokers: list[tuple[int, str, int]]) -> bytes:
    body = struct.pack(">ii", correlation_id, 0) + struct.pack(">i", len(brokers))
    for node_id, host, port in brokers:
        body += struct.pack(">i", node_id) + _string(host) + struct.pack(">i", port) + _string(None)
    return body + _string("abcdefghijklmnopqrstuv") + struct.pack(">i", 1) + struct.pack(">i", 0)


def test_request_is_metadata_v4_for_no_topics() -> None:
    request = encode_metadata_request(42, "ib")
    (size,) = struct.unpack(">i", request[:4])
    assert size == len(request) - 4
    api_key, version, correlation_id, client_length = struct.unpack(">hhih", request[4:14])
    assert (api_key, version, correlation_id, client_length) == (3, 4, 42, 2)
    assert request[14:16] == b"ib"
    assert request[16:] == struct.pack(">i?", 0, False)


def test_response_lists_the_brokers() -> None:
    metadata = decode_metadata_response(_response(9, [(1, "127.0.0.1", 9092)]), 9)
    assert metadata.brokers == (Broker(1, "127.0.0.1", 9092),)
    assert metadata.cluster_id == "abcdefghijklmnopqrstuv"
    assert metadata.controller_id == 1


def test_response_to_another_request_is_refused() -> None:
    with pytest.raises(ProtocolError):
        decode_metadata_response(_response(9, []), 10)


def test_truncated_response_is_refused() -> None:
    with pytest.raises(ProtocolError):
        decode_metadata_response(_response(9, [(1, "127.0.0.1", 9092)])[:20], 9)
