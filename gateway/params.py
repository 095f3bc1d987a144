"""Path and query parameters that several routes take, with the bounds past which a request
is refused (422): ids, paging, text to search for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

#: Past any list a person keeps, and well inside PostgreSQL's ``OFFSET`` (a 64-bit integer).
MAX_OFFSET = 1_000_000
#: What the gateway's ids are made of (UUIDs, question ids such as ``b-conflict``).
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
#: Text a person typed: anything but the NUL character, which PostgreSQL cannot store.
TEXT_PATTERN = r"^[^\x00]*$"

Id = Annotated[str, Path(pattern=ID_PATTERN, description="An id the API gave (letters, digits, - and _).")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many items to return (1 to 100).")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"How many items to skip (0 to {MAX_OFFSET:,}).")
]
SearchQuery = Annotated[
    str | None,
    Query(max_length=500, pattern=TEXT_PATTERN, description="Only segments that contain all these words."),
]
