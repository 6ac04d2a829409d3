"""A clock for the call registry that only moves when a test says so: no real waiting anywhere."""
from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

from backend.call_clock import TimerHandle


class ManualClock:
    """A clock that only moves when told to, firing due timers in order."""

    class _Timer:
        def __init__(self) -> None:
            self.cancelled = False

        def cancel(self) -> None:
            self.cancelled = True

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._timers: list[tuple[float, int, ManualClock._Timer, Callable[[], None]]] = []
        self._order = itertools.count()

    def time(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        timer = self._Timer()
        heapq.heappush(self._timers, (self._now + delay, next(self._order), timer, callback))
        return timer

    def advance(self, seconds: float) -> None:
        until = self._now + seconds
        while self._timers and self._timers[0][0] <= until:
            due, _, timer, callback = heapq.heappop(self._timers)
            self._now = max(self._now, due)
            if not timer.cancelled:
                callback()
        self._now = until
