"""How the Azure tus store cuts a PATCH body into blocks and finds an upload's chain of blocks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.tus.storage.azure import _blocks, _chain
from sinks.blobs.azure import block_id, block_offset
from sinks.errors import BlobStoreError


async def pieces(*sizes: int, fail: bool = False) -> AsyncIterator[bytes]:
    for number, size in enumerate(sizes):
        yield bytes([number]) * size
    if fail:
        raise ConnectionResetError("client gone")


async def test_chunks_are_joined_into_blocks_of_at_least_the_block_size() -> None:
    blocks = [block async for block in _blocks(pieces(3, 3, 3, 1, 5, 2), 4)]
    assert [len(block) for block in blocks] == [6, 4, 5, 2]
    assert b"".join(blocks) == b"".join([bytes([n]) * s for n, s in enumerate((3, 3, 3, 1, 5, 2))])


async def test_what_arrived_before_the_stream_broke_is_a_last_block_then_the_error() -> None:
    received: list[bytes] = []
    with pytest.raises(ConnectionResetError):
        async for block in _blocks(pieces(5, 2, fail=True), 4):
            received.append(block)
    assert [len(block) for block in received] == [5, 2]


def test_the_chain_follows_each_block_to_where_it_ends_and_skips_stale_ones() -> None:
    # 0..100 and 100..250 were acknowledged; 100 was first staged with 300 bytes by a PATCH
    # refused for its checksum (replaced since), and 400 is a leftover of that PATCH.
    sizes = {0: 100, 100: 150, 250: 50, 400: 10}
    assert _chain(sizes, 300, "k") == [0, 100, 250]
    with pytest.raises(BlobStoreError, match="no block staged at offset 300"):
        _chain(sizes, 310, "k")
    with pytest.raises(BlobStoreError, match="end at 250, not at 200"):
        _chain(sizes, 200, "k")


def test_block_ids_name_their_offset_and_have_one_length() -> None:
    assert block_offset(block_id(123_456_789)) == 123_456_789
    assert len(block_id(0)) == len(block_id(2 * 1024**3))
    assert block_offset("something-else") is None
