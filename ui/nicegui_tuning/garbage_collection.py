"""Survivors of the older generations' collections are frozen: full collections of many open tabs stalled the server.

CPython's full collection walks every tracked object while the event loop waits. NiceGUI keeps about 20 objects
per element, so open dashboards are most of the heap: measured here, 100 dashboards (about 300,000 objects) made
every full collection stall the server for about 0.4 s, ringing and presence included (bench/ring_latency.py).

So objects that survived a collection of the two older generations are frozen (`gc.freeze`): later collections
walk only what is newer, and frozen objects are still freed by reference counting. The middle generation's
survivors too, not only the full collection's: each open tab's browser acks every 3 s, and each ack renews its
socket's wait (a task, a future, a timer: about 25 objects) until the next one. Those outlive the young
collections, and at 1,000 open dashboards 70,000 to 90,000 of them reached each full collection, every 10 s or
so, which stalled the server 60 to 95 ms (logged from `gc.callbacks` in the ring benchmark); frozen after each
middle collection (10 to 30 ms, as before), no full collection came during the benchmark's calls at all.

Only reference cycles among frozen objects would wait (NiceGUI's deleted elements, the commonest, no longer make
them: deleted_elements.py); once the heap has doubled, everything is unfrozen, so the next full collection walks
everything once (and freezes the survivors again).

The heap is measured in pymalloc blocks (`sys.getallocatedblocks`, well under a millisecond), not by counting
the frozen set: `gc.get_freeze_count()` walks all of it, which at 1,000 dashboards stalled the server 160 to
190 ms each time (the ring benchmark's three slowest calls waited for it).
"""
from __future__ import annotations

import asyncio
import gc
import sys

from nicegui import App

UNFREEZE_GROWTH = 2  # unfreeze once the heap is this many times its size at the last unfreeze
MIN_BLOCKS = 1_000_000  # below this a full walk is short anyway


class FreezeSurvivors:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._blocks_at_unfreeze = sys.getallocatedblocks()
        gc.freeze()  # everything alive at start-up lives as long as the process
        gc.callbacks.append(self._collected)

    def _collected(self, phase: str, info: dict) -> None:
        if phase == 'stop' and info['generation'] >= 1:  # the young one runs hundreds of times a second
            self._loop.call_soon_threadsafe(self._after_collection)  # not from inside the collector

    def _after_collection(self) -> None:
        gc.freeze()
        blocks = sys.getallocatedblocks()
        if blocks > UNFREEZE_GROWTH * max(self._blocks_at_unfreeze, MIN_BLOCKS):
            gc.unfreeze()
            self._blocks_at_unfreeze = blocks

    def stop(self) -> None:
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)
        gc.unfreeze()


def freeze_survivors(app: App) -> None:
    """Run a `FreezeSurvivors` policy on `app`'s event loop while it runs."""
    policies: list[FreezeSurvivors] = []
    app.on_startup(lambda: policies.append(FreezeSurvivors(asyncio.get_running_loop())))

    def stop() -> None:
        while policies:
            policies.pop().stop()
    app.on_shutdown(stop)
