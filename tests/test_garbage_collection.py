"""The server's garbage-collection policy: survivors of a full collection are frozen, and unfrozen once doubled."""
from __future__ import annotations

import asyncio
import gc

import pytest

from ui import garbage_collection
from ui.garbage_collection import FreezeSurvivors


async def full_collection() -> None:
    gc.collect()
    await asyncio.sleep(0)  # the policy acts on the event loop, right after the collector


async def test_survivors_are_frozen_until_the_frozen_set_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    policy = FreezeSurvivors(asyncio.get_running_loop())
    try:
        at_start = gc.get_freeze_count()
        assert at_start > 0  # what exists at start-up
        survivors = [[index] for index in range(5000)]
        await full_collection()
        assert gc.get_freeze_count() >= at_start + len(survivors)

        monkeypatch.setattr(garbage_collection, 'MIN_FROZEN', 1)  # the frozen set is now "large"
        await full_collection()
        assert gc.get_freeze_count() == 0  # unfrozen: the next full collection walks everything once ...
        await full_collection()
        refrozen = gc.get_freeze_count()
        assert refrozen >= len(survivors)  # ... and freezes its survivors again
        await full_collection()
        assert gc.get_freeze_count() >= refrozen  # not twice the size it had when unfrozen: stays frozen
    finally:
        policy.stop()
    await full_collection()
    assert gc.get_freeze_count() == 0 and policy._collected not in gc.callbacks
