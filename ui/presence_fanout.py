"""Hands each presence batch to every open dashboard, a slice of dashboards at a time.

With a thousand dashboards open a batch costs the server 10 to 25 ms (a few hundred in a login burst), and a
ring or a click that arrived meanwhile waited for all of it, the event loop being busy. Here the dashboards get
a batch in slices of at most SLICE seconds with the event loop free in between. A batch that comes while one is
going out waits, merged with any later ones: a batch holds each user's latest status, so the merge says what
they would have said one after the other, and no dashboard sees an older status last.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nicegui import app, background_tasks, context
from nicegui.slot import Slot

SLICE = 0.002  # seconds of dashboards' work before the event loop gets a turn

Listener = Callable[[dict[str, str]], None]


class PresenceFanout:
    def __init__(self) -> None:
        self._listeners: dict[object, tuple[Listener, Slot]] = {}  # insertion ordered: oldest tab first
        self._pending: dict[str, str] = {}
        self._publishing: asyncio.Task | None = None

    def subscribe(self, listener: Listener) -> None:
        """Call `listener({username: status})` in the current tab's context for every batch, until the tab is
        deleted."""
        key = object()
        self._listeners[key] = (listener, context.slot)
        context.client.on_delete(lambda: self._listeners.pop(key, None))

    def publish(self, batch: dict[str, str]) -> None:
        self._pending.update(batch)
        if self._publishing is None:
            self._publishing = background_tasks.create(self._publish_pending(), name='publish presence')

    async def _publish_pending(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, {}
                await self._publish(batch)
        finally:
            self._publishing = None

    async def _publish(self, batch: dict[str, str]) -> None:
        slice_ends = time.perf_counter() + SLICE
        for key, (listener, slot) in list(self._listeners.items()):
            if key not in self._listeners:
                continue  # its tab was deleted during an earlier slice
            with slot:
                try:
                    listener(batch)
                except Exception as error:  # one broken dashboard must not stop the others
                    app.handle_exception(error)
            if time.perf_counter() >= slice_ends:
                await asyncio.sleep(0)
                slice_ends = time.perf_counter() + SLICE
