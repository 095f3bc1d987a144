"""The running SHA-256 of each upload, kept in memory between its PATCHes by both tus stores.

A completed upload's digest then needs no second read of its bytes. The state is the hash of the
bytes written so far from offset 0, as the PATCHes wrote them; an upload written elsewhere (another
gateway process) or before a restart has none, and completion reads its bytes back instead.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

#: Uploads whose running SHA-256 is kept (a hash state is a few hundred bytes).
RUNNING_DIGESTS = 1024

UploadKey = tuple[str, str, str]  # where the store keeps uploads, user, upload


class _RunningDigests:
    """The SHA-256 of each upload's first ``offset`` bytes, as its PATCHes wrote them."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._states: OrderedDict[UploadKey, tuple[int, hashlib._Hash]] = OrderedDict()

    def take(self, key: UploadKey, offset: int) -> hashlib._Hash | None:
        """The state to continue from ``offset`` (removed until :meth:`put` back), or None."""
        offset_and_state = self._states.pop(key, None)
        if offset == 0:
            return hashlib.sha256()
        if offset_and_state is None or offset_and_state[0] != offset:
            return None  # written elsewhere or before a restart: completion reads the file
        return offset_and_state[1]

    def put(self, key: UploadKey, offset: int, state: hashlib._Hash) -> None:
        self._states[key] = (offset, state)
        self._states.move_to_end(key)
        while len(self._states) > self._capacity:
            self._states.popitem(last=False)

    def peek(self, key: UploadKey) -> tuple[int, hashlib._Hash] | None:
        return self._states.get(key)

    def forget(self, key: UploadKey) -> None:
        self._states.pop(key, None)


#: One per process, shared by every store object (a test may make its own beside the gateway's).
running_digests = _RunningDigests(RUNNING_DIGESTS)
