"""At most `limit` events per key within a sliding window: the budget behind the registration and call limits.

Thread-safe (registrations are checked from worker threads). Keys whose events all left the window are swept
now and then, so many different keys do not grow memory.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class RateLimit:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}
        self._next_sweep = clock() + window
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> int:
        """Count one event for `key` if its budget allows: 0, else the whole seconds until it does (nothing counted)."""
        with self._lock:
            now = self._clock()
            wait = self._wait(key, now)
            if not wait:
                self._events.setdefault(key, deque()).append(now)
            if now >= self._next_sweep:
                self._sweep(now)
            return wait

    def wait(self, key: Hashable) -> int:
        """Seconds until `key` may have another event (0: now); counts nothing."""
        with self._lock:
            return self._wait(key, self._clock())

    def record(self, key: Hashable) -> None:
        """Count an event that happened whatever the budget said."""
        with self._lock:
            now = self._clock()
            self._events.setdefault(key, deque()).append(now)
            if now >= self._next_sweep:
                self._sweep(now)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._events.pop(key, None)

    def _wait(self, key: Hashable, now: float) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[len(events) - self.limit] + self.window - now))

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self.window
        stale = now - self.window
        for key in [key for key, events in self._events.items() if not events or events[-1] <= stale]:
            del self._events[key]
