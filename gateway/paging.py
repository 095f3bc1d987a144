"""The query parameters of a paged list, with the bounds past which a request is refused (422)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

#: Past any list a person keeps, and well inside PostgreSQL's ``OFFSET`` (a 64-bit integer).
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=100, description="How many items to return (1 to 100).")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"How many items to skip (0 to {MAX_OFFSET:,}).")
]
