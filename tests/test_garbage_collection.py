"""The server's garbage-collection policy: survivors of the older generations' collections are frozen, unfrozen once
the heap doubled."""
from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ui.nicegui_tuning import garbage_collection
from ui.nicegui_tuning.garbage_collection import FreezeSurvivors


async def full_collection() -> None:
    gc.collect()
    await asyncio.sleep(0)  # the policy acts on the event loop, right after the collector


@contextmanager
def policy_alone() -> Iterator[FreezeSurvivors]:
    """The policy with nothing frozen before it, and only the collections a test runs."""
    gc.unfreeze()
    gc.disable()  # an automatic collection while a test builds its objects would freeze them first
    policy = FreezeSurvivors(asyncio.get_running_loop())
    try:
        yield policy
    finally:
        policy.stop()
        gc.enable()


async def test_survivors_of_the_middle_generation_are_frozen_not_of_the_young_one() -> None:
    with policy_alone():
        at_start = gc.get_freeze_count()
        survivors = [[index] for index in range(5000)]
        gc.collect(0)
        await asyncio.sleep(0)
        assert gc.get_freeze_count() < at_start + len(survivors)  # the young one runs hundreds of times a second
        gc.collect(1)
        await asyncio.sleep(0)
        assert gc.get_freeze_count() >= at_start + len(survivors)


async def test_survivors_are_frozen_until_the_heap_doubles() -> None:
    with policy_alone() as policy:
        at_start = gc.get_freeze_count()
        assert at_start > 0  # what exists at start-up
        survivors = [[index] for index in range(5000)]
        await full_collection()
        assert gc.get_freeze_count() >= at_start + len(survivors)

        # the heap more than doubles (each one-item list and its number take three pymalloc blocks)
        grown = [[index] for index in range(max(sys.getallocatedblocks(), garbage_collection.MIN_BLOCKS))]
        await full_collection()
        assert gc.get_freeze_count() == 0  # unfrozen: the next full collection walks everything once ...
        await full_collection()
        refrozen = gc.get_freeze_count()
        assert refrozen >= len(survivors) + len(grown)  # ... and freezes its survivors again
        await full_collection()
        assert gc.get_freeze_count() >= refrozen  # the heap has not doubled again: stays frozen
    await full_collection()
    assert gc.get_freeze_count() == 0 and policy._collected not in gc.callbacks
