"""ETags of an interview's metadata, and the ``If-Match`` check of an edit (RFC 9110 §13.1.1).

The ETag is the interview's version, which every edit of its metadata bumps. If-Match uses
the strong comparison: a weak tag (``W/"3"``) never matches, ``*`` matches any version.
"""

from __future__ import annotations

import re

_STRONG_TAG = re.compile(r'"([0-9]{1,18})"')


def etag_for(version: int) -> str:
    return f'"{version}"'


def versions_in_if_match(if_match: str) -> list[int] | None:
    """The versions an ``If-Match`` value accepts; None for ``*`` (any version).

    Tags that are weak, malformed, or not one of ours are kept out: they match nothing.
    """
    tags = [tag.strip() for tag in if_match.split(",") if tag.strip()]
    if tags == ["*"]:
        return None
    return [int(match.group(1)) for tag in tags if (match := _STRONG_TAG.fullmatch(tag))]
