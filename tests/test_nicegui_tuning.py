"""NICEGUI_TUNING: on, every change of ui/nicegui_tuning/ is in place while the app runs; off, none is."""
from __future__ import annotations

import asyncio
import gc

import pytest
from nicegui import Client, core, helpers, outbox
from nicegui.helpers import functions
from nicegui.testing import User

from ui.nicegui_tuning import deleted_elements, handler_arguments
from ui.nicegui_tuning.garbage_collection import FreezeSurvivors
from ui.nicegui_tuning.ping_timeout import PING_TIMEOUT

CHANGES = ['idle_outbox', 'handler_arguments', 'deleted_elements', 'garbage_collection', 'ping_timeout']


@pytest.fixture(params=['on', 'off'])
def tuning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """NiceGUI as installed (whatever earlier tests in this process applied is undone) and NICEGUI_TUNING set."""
    monkeypatch.setattr(outbox, 'asyncio', asyncio)
    monkeypatch.setattr(helpers, 'expects_arguments', functions.expects_arguments)
    monkeypatch.setattr(Client, 'remove_elements', deleted_elements._remove_elements)
    monkeypatch.setenv('NICEGUI_TUNING', request.param)
    return request.param


def changes_in_place() -> list[str]:
    in_place = {
        'idle_outbox': outbox.asyncio is not asyncio,
        'handler_arguments': helpers.expects_arguments is handler_arguments.expects_arguments,
        'deleted_elements': Client.remove_elements is not deleted_elements._remove_elements,
        'garbage_collection': any(isinstance(getattr(callback, '__self__', None), FreezeSurvivors)
                                  for callback in gc.callbacks),
        'ping_timeout': core.sio.eio.ping_timeout == PING_TIMEOUT,
    }
    return [name for name in CHANGES if in_place[name]]


async def test_the_setting_applies_every_change_or_none(tuning: str, user: User) -> None:
    await user.open('/login')  # main.py has run and the app has started
    assert changes_in_place() == (CHANGES if tuning == 'on' else [])
