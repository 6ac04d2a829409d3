"""NiceGUI's outbox waits for work without a one-second timeout (ui/nicegui_tuning/idle_outbox.py)."""
from __future__ import annotations

import asyncio

import pytest
from nicegui import outbox
from nicegui.testing import User

from ui.nicegui_tuning import idle_outbox

from .sim import register


def test_the_installed_nicegui_gets_the_outbox_without_polling() -> None:
    # Fails when a NiceGUI release changes its outbox loop: then look at ui/nicegui_tuning/idle_outbox.py again.
    assert idle_outbox.outbox_polls()
    assert idle_outbox.stop_outbox_polling()
    assert outbox.asyncio.wait_for is not asyncio.wait_for


async def test_an_outbox_wait_lasts_until_there_is_work_not_until_a_timeout() -> None:
    idle_outbox.stop_outbox_polling()
    work = asyncio.Event()
    waiting = asyncio.create_task(outbox.asyncio.wait_for(work.wait(), timeout=0.01))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    work.set()
    await asyncio.wait_for(waiting, 1)


async def test_a_closed_tab_ends_its_outbox_loop(user: User) -> None:
    await register(user, 'alice')
    loop_name = f'outbox loop {user.client.id}'
    assert any(task.get_name() == loop_name for task in asyncio.all_tasks())
    user.client.delete()
    # stop() wakes the loop: it ends within its 0.1 s retry pause, not after a timeout (there is none to wait for)
    for _ in range(10):
        await asyncio.sleep(0.05)
        if not any(task.get_name() == loop_name for task in asyncio.all_tasks()):
            return
    raise AssertionError('the outbox loop of a deleted tab is still waiting')


def test_a_different_outbox_keeps_its_own_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    async def changed_loop(self: outbox.Outbox) -> None:
        await asyncio.sleep(1)

    monkeypatch.setattr(outbox, 'asyncio', asyncio)
    monkeypatch.setattr(outbox.Outbox, 'loop', changed_loop)
    assert not idle_outbox.stop_outbox_polling()
    assert outbox.asyncio is asyncio
