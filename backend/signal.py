"""A minimal synchronous publish/subscribe hook for backend objects (the UI bridges it to its tabs)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar('T')
log = logging.getLogger(__name__)


class Signal(Generic[T]):
    def __init__(self) -> None:
        self._handlers: list[Callable[[T], None]] = []

    def connect(self, handler: Callable[[T], None]) -> Callable[[], None]:
        """Call `handler(value)` on every emit; returns a function that disconnects it."""
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler) if handler in self._handlers else None

    def emit(self, value: T) -> None:
        for handler in list(self._handlers):
            try:
                handler(value)
            except Exception:  # one broken listener must not stop the others
                log.exception('signal handler %r failed', handler)
