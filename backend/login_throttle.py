"""Slows down password guessing: too many failed logins for one key lock it for a while.

Accounts keys it by (username, address) and, with a larger budget, by address alone: a guesser elsewhere
cannot lock the real user out, and one place guessing many names is slowed down too.

An attempt counts from the moment it starts (`begin`), not only once its password check (a quarter of a second
of bcrypt) has failed: otherwise guesses sent in parallel would all pass the check before the first one fails.
Records older than the window are swept now and then, so guessing many different names does not grow memory.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable


class LoginThrottle:
    def __init__(self, max_failures: int = 5, window: float = 60.0, lockout: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self._clock = clock
        self._failures: dict[Hashable, deque[float]] = defaultdict(deque)
        self._locked_until: dict[Hashable, float] = {}
        self._in_flight: dict[Hashable, int] = {}  # attempts begun and not yet decided
        self._next_sweep = clock() + window
        self._lock = threading.Lock()  # logins are checked from worker threads

    def seconds_locked(self, key: Hashable) -> int:
        """Seconds until `key` may try again (0 when it may try now)."""
        with self._lock:
            return self._seconds_locked(key, self._clock())

    def begin(self, key: Hashable) -> int:
        """Start an attempt for `key`: 0 if it may go ahead (it then counts until its outcome is recorded),
        else the seconds to wait."""
        with self._lock:
            now = self._clock()
            wait = self._seconds_locked(key, now)
            if wait:
                return wait
            in_flight = self._in_flight.get(key, 0)
            failed = sum(at > now - self.window for at in self._failures.get(key, ()))
            if failed + in_flight >= self.max_failures:
                return 1  # the attempts under way may lock it: wait for them
            self._in_flight[key] = in_flight + 1
            return 0

    def record_failure(self, key: Hashable) -> None:
        with self._lock:
            now = self._clock()
            self._end_attempt(key)
            failures = self._failures[key]
            failures.append(now)
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) >= self.max_failures:
                self._locked_until[key] = now + self.lockout
                del self._failures[key]
            if now >= self._next_sweep:
                self._sweep(now)

    def record_success(self, key: Hashable) -> None:
        with self._lock:
            self._end_attempt(key)
            self._failures.pop(key, None)

    def cancel(self, key: Hashable) -> None:
        """An attempt that ended without a verdict (e.g. the database failed)."""
        with self._lock:
            self._end_attempt(key)

    def _seconds_locked(self, key: Hashable, now: float) -> int:
        remaining = self._locked_until.get(key, 0.0) - now
        if remaining <= 0:
            self._locked_until.pop(key, None)
            return 0
        return max(1, round(remaining))

    def _end_attempt(self, key: Hashable) -> None:
        left = self._in_flight.pop(key, 0) - 1
        if left > 0:
            self._in_flight[key] = left

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self.window
        stale = now - self.window
        for key in [key for key, failures in self._failures.items() if not failures or failures[-1] <= stale]:
            del self._failures[key]
        for key in [key for key, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]
