from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from dev.stack.ports import find_clash, port_is_free


@pytest.fixture
def listener() -> Iterator[int]:
    """A port held by a listening socket of this test process."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_listening_port_is_not_free(listener: int) -> None:
    assert not port_is_free("127.0.0.1", listener)


def test_a_closed_port_is_free() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert port_is_free("127.0.0.1", port)


def test_a_listener_on_all_addresses_also_blocks_loopback() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        sock.listen()
        assert not port_is_free("127.0.0.1", sock.getsockname()[1])


def test_a_foreign_holder_is_named(listener: int) -> None:
    clash = find_clash("kafka", "127.0.0.1", listener, our_pid=None)
    assert clash is not None
    message = clash.message()
    assert f"127.0.0.1:{listener}" in message and "kafka" in message
    assert f"pid {os.getpid()}" in message
    assert "did not start" in message


def test_our_own_holder_is_no_clash(listener: int) -> None:
    assert find_clash("kafka", "127.0.0.1", listener, our_pid=os.getpid()) is None
