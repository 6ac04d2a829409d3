"""Garbage collection for a server that holds many long-lived UI elements.

CPython's full collection walks every tracked object while the event loop waits. NiceGUI keeps about 20 objects
per element, so open dashboards are most of the heap: measured here, 100 dashboards (about 300,000 objects) made
every full collection stall the server for about 0.4 s, ringing and presence included (bench/ring_latency.py).

So objects that survived a full collection are frozen (`gc.freeze`): later full collections walk only what is
newer (measured: about 40,000 objects, 60 ms, at the same 100 dashboards), and frozen objects are still freed by
reference counting. Only reference cycles among frozen objects would wait; once the frozen set has doubled, it
is unfrozen, so the next full collection walks everything once (and freezes the survivors again).
"""
from __future__ import annotations

import asyncio
import gc
import time

UNFREEZE_GROWTH = 2  # unfreeze once the frozen set is this many times its size after the last unfreeze
MIN_FROZEN = 200_000  # below this a full walk is short anyway
RECOUNT_EVERY = 10.0  # seconds between real counts of the frozen set (each walks all of it)


class FreezeSurvivors:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # A running count: gc.get_freeze_count() walks the whole frozen set (tens of ms at 1000 dashboards),
        # too slow for every full collection. It over-counts (frozen objects freed since), so it only triggers
        # a real count, at most every RECOUNT_EVERY seconds.
        self._frozen = 0
        self._next_recount = 0.0
        self._unfrozen_at = gc.get_freeze_count()  # the frozen set's size when last unfrozen
        self._freeze()  # everything alive at start-up lives as long as the process
        gc.callbacks.append(self._collected)

    def _collected(self, phase: str, info: dict) -> None:
        if phase == 'stop' and info['generation'] == 2:
            self._loop.call_soon_threadsafe(self._after_full_collection)  # not from inside the collector

    def _freeze(self) -> None:
        self._frozen += len(gc.get_objects())  # what freeze() moves: every tracked object not frozen yet
        gc.freeze()

    def _after_full_collection(self) -> None:
        self._freeze()
        limit = UNFREEZE_GROWTH * max(self._unfrozen_at, MIN_FROZEN)
        if self._frozen > limit and time.monotonic() >= self._next_recount:
            self._next_recount = time.monotonic() + RECOUNT_EVERY
            self._frozen = gc.get_freeze_count()
            if self._frozen > limit:
                gc.unfreeze()
                self._unfrozen_at, self._frozen = self._frozen, 0

    def stop(self) -> None:
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)
        gc.unfreeze()
