"""Deleting topics by prefix never reaches beyond one test's or bench run's topics."""

from __future__ import annotations

import pytest

from topics.admin import delete_prefixed_topics


async def test_deleting_by_prefix_refuses_an_empty_prefix_before_it_reaches_the_broker() -> None:
    with pytest.raises(ValueError, match="without a prefix"):
        await delete_prefixed_topics("127.0.0.1:1", "")
