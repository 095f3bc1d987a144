"""A step run on a thread of its own, behind a bounded queue: the Parquet replay decodes and
encodes its rows there (polars and pyarrow do it in native code, without the GIL) while the event
loop goes on taking the next records off the broker. The step is given every item waiting (at
least one), in the order they were put: when it falls behind it takes more at once, which its
native calls do for about the same few returns to the GIL (each a wait while the event loop holds
it). Once the queue holds ``depth`` items, ``put`` waits, so memory stays bounded. What the step
raises is raised again to the caller, at its next ``put`` or at ``finish``, never lost."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class _Finish:
    """The queue's last item: no more to come."""


class Background(Generic[Item]):
    def __init__(self, step: Callable[[list[Item]], None], name: str, depth: int) -> None:
        self._step = step
        self._items: queue.Queue[Item | _Finish] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        # A daemon: a caller that dies without ``finish`` must not keep the process alive.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, item: Item) -> None:
        """Hands ``item`` to the step; raises what an earlier item's step raised."""
        self.raise_failure()
        self._items.put(item)

    def finish(self) -> None:
        """Waits until every item put is done; raises what a step raised."""
        self.stop()
        self.raise_failure()

    def stop(self) -> None:
        """Waits until every item put is done (or skipped after a failure), raising nothing."""
        if self._thread.is_alive():
            self._items.put(_Finish())
            self._thread.join()

    def raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        finished = False
        while not finished:
            items = [self._items.get()]
            while True:
                try:
                    items.append(self._items.get_nowait())
                except queue.Empty:
                    break
            if isinstance(items[-1], _Finish):
                finished = True
                items.pop()
            if self._error is not None or not items:
                continue  # after a failure the queue is emptied, so that ``put`` never waits for ever
            try:
                self._step(items)  # type: ignore[arg-type]  # only the last can be _Finish
            except BaseException as exc:  # raised again on the caller's thread
                self._error = exc
