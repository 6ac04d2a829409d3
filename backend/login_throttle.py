"""Slows down password guessing: too many failed logins for one username lock it for a while."""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(self, max_failures: int = 5, window: float = 60.0, lockout: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()  # logins are checked from worker threads

    def seconds_locked(self, key: str) -> int:
        """Seconds until `key` may try again (0 when it may try now)."""
        with self._lock:
            remaining = self._locked_until.get(key, 0.0) - self._clock()
            if remaining <= 0:
                self._locked_until.pop(key, None)
                return 0
            return max(1, round(remaining))

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            failures = self._failures[key]
            failures.append(now)
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) >= self.max_failures:
                self._locked_until[key] = now + self.lockout
                del self._failures[key]

    def record_success(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
