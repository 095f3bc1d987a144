"""Who is connected to this gateway replica, and handing each user's messages to their sockets.

Every replica reads every event (:mod:`gateway.live.feed`) and passes it on only to the
sockets of the user it belongs to, so a user sees their own events on whichever replica they
are connected to and nobody else's. A socket that does not keep up loses its oldest queued
messages, never the replica's memory.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Messages queued for one socket, at most; past it the oldest are dropped.
QUEUE_SIZE = 256
#: Notification ids remembered to drop one read twice (a notifier cut off and run again).
REMEMBERED_NOTIFICATIONS = 10_000

Message = dict[str, Any]


class LiveHub:
    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[Message]]] = defaultdict(set)
        self._pushed: OrderedDict[str, None] = OrderedDict()

    @contextmanager
    def subscribe(self, user_id: str) -> Iterator[asyncio.Queue[Message]]:
        """A queue of ``user_id``'s messages for as long as the block runs."""
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)
        self._queues[user_id].add(queue)
        try:
            yield queue
        finally:
            self._queues[user_id].discard(queue)
            if not self._queues[user_id]:
                del self._queues[user_id]

    def connected(self, user_id: str) -> int:
        return len(self._queues.get(user_id, ()))

    def publish(self, user_id: str, message: Message) -> None:
        for queue in self._queues.get(user_id, ()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message)

    def first_time(self, notification_id: str) -> bool:
        """True the first time this replica sees ``notification_id``."""
        if notification_id in self._pushed:
            return False
        self._pushed[notification_id] = None
        while len(self._pushed) > REMEMBERED_NOTIFICATIONS:
            self._pushed.popitem(last=False)
        return True
