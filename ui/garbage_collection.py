"""Garbage collection for a server that holds many long-lived UI elements.

CPython's full collection walks every tracked object while the event loop waits. NiceGUI keeps about 20 objects
per element, so open dashboards are most of the heap: measured here, 100 dashboards (about 300,000 objects) made
every full collection stall the server for about 0.4 s, ringing and presence included (bench/ring_latency.py).

So objects that survived a full collection are frozen (`gc.freeze`): later full collections walk only what is
newer (measured: about 40,000 objects, 60 ms, at the same 100 dashboards), and frozen objects are still freed by
reference counting. Only reference cycles among frozen objects would wait; once the heap has doubled, everything
is unfrozen, so the next full collection walks everything once (and freezes the survivors again).

The heap is measured in pymalloc blocks (`sys.getallocatedblocks`, well under a millisecond), not by counting
the frozen set: `gc.get_freeze_count()` walks all of it, which at 1,000 dashboards stalled the server 160 to
190 ms each time (the ring benchmark's three slowest calls waited for it).
"""
from __future__ import annotations

import asyncio
import gc
import sys

UNFREEZE_GROWTH = 2  # unfreeze once the heap is this many times its size at the last unfreeze
MIN_BLOCKS = 1_000_000  # below this a full walk is short anyway


class FreezeSurvivors:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._blocks_at_unfreeze = sys.getallocatedblocks()
        gc.freeze()  # everything alive at start-up lives as long as the process
        gc.callbacks.append(self._collected)

    def _collected(self, phase: str, info: dict) -> None:
        if phase == 'stop' and info['generation'] == 2:
            self._loop.call_soon_threadsafe(self._after_full_collection)  # not from inside the collector

    def _after_full_collection(self) -> None:
        gc.freeze()
        blocks = sys.getallocatedblocks()
        if blocks > UNFREEZE_GROWTH * max(self._blocks_at_unfreeze, MIN_BLOCKS):
            gc.unfreeze()
            self._blocks_at_unfreeze = blocks

    def stop(self) -> None:
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)
        gc.unfreeze()
