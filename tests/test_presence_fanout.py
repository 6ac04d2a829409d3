"""Presence batches reach every dashboard a slice at a time, merged while one is going out (ui/presence_fanout.py)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from nicegui.testing import User

from backend.presence import BUSY, OFFLINE, ONLINE
from ui.presence_fanout import SLICE, PresenceFanout


def slow_dashboard(seen: list, name: str) -> Callable[[dict[str, str]], None]:
    """A dashboard whose share of a batch takes longer than a slice, as a thousand of them together do."""
    def listener(batch: dict[str, str]) -> None:
        busy_until = time.perf_counter() + 2 * SLICE
        while time.perf_counter() < busy_until:
            pass
        seen.append((name, dict(batch)))
    return listener


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError('timed out')


async def open_dashboards(user: User, count: int) -> tuple[PresenceFanout, list]:
    """A fanout with `count` slow dashboards d0, d1, ... in one tab, and the list of what they saw."""
    await user.open('/login')
    fanout = PresenceFanout()
    seen: list = []
    with user.client:
        for k in range(count):
            fanout.subscribe(slow_dashboard(seen, f'd{k}'))
    return fanout, seen


async def test_the_event_loop_runs_between_slices(user: User) -> None:
    fanout, seen = await open_dashboards(user, 5)
    fanout.publish({'alice': ONLINE})
    asyncio.get_running_loop().call_soon(seen.append, 'a ring')  # what arrives while the batch goes out
    await until(lambda: len(seen) == 6)
    order = [entry if isinstance(entry, str) else entry[0] for entry in seen]
    assert order == ['d0', 'a ring', 'd1', 'd2', 'd3', 'd4']  # without slices the ring waits for all five


async def test_batches_that_come_meanwhile_merge_and_the_newest_status_is_last(user: User) -> None:
    fanout, seen = await open_dashboards(user, 3)
    fanout.publish({'alice': ONLINE})
    await asyncio.sleep(0)  # d0 has it, the rest wait for the next slice
    fanout.publish({'alice': BUSY})
    fanout.publish({'alice': OFFLINE, 'bob': ONLINE})
    batches: dict[str, list[dict[str, str]]] = {f'd{k}': [] for k in range(3)}
    await until(lambda: len(seen) >= 6)
    await asyncio.sleep(0.1)  # nothing more comes
    for name, batch in seen:
        batches[name].append(batch)
    assert batches == {name: [{'alice': ONLINE}, {'alice': OFFLINE, 'bob': ONLINE}] for name in batches}


async def test_a_tab_deleted_meanwhile_is_skipped_and_a_broken_one_stops_nothing(
        user: User, create_user: Callable[[], User], caplog: pytest.LogCaptureFixture) -> None:
    await user.open('/login')
    closing = create_user()
    await closing.open('/login')
    fanout = PresenceFanout()
    seen: list = []

    def broken(_batch: dict[str, str]) -> None:
        raise RuntimeError('a broken dashboard')
    with user.client:
        fanout.subscribe(slow_dashboard(seen, 'first'))
        fanout.subscribe(broken)
    with closing.client:
        fanout.subscribe(slow_dashboard(seen, 'closing'))
    with user.client:
        fanout.subscribe(slow_dashboard(seen, 'last'))
    fanout.publish({'alice': ONLINE})
    await asyncio.sleep(0)  # the first slice went out
    closing.client.delete()  # what NiceGUI does once a closed tab's reconnect window has passed
    await until(lambda: any(name == 'last' for name, _batch in seen))
    assert [name for name, _batch in seen] == ['first', 'last']
    fanout.publish({'alice': OFFLINE})
    await until(lambda: len(seen) == 4)
    assert seen[2:] == [('first', {'alice': OFFLINE}), ('last', {'alice': OFFLINE})]
    assert caplog.text.count('a broken dashboard') >= 2  # reported through NiceGUI's exception handler, each time
    caplog.clear()  # expected: the user fixture fails a test on any logged error
