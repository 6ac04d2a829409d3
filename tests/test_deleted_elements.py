"""Deleted elements are freed by reference counting, not left for the garbage collector
(ui/nicegui_tuning/deleted_elements.py)."""
from __future__ import annotations

import gc
import logging
import weakref
from collections.abc import Iterator

import pytest
from nicegui import Client, ui
from nicegui.observables import ObservableCollection
from nicegui.testing import User

from backend.call_registry import CallKind
from ui.components.person_avatar import avatar_of
from ui.components.ringing_cards import incoming_banner
from ui.nicegui_tuning import deleted_elements

from .sim import register


@pytest.fixture
def no_garbage_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_installed_nicegui_gets_it() -> None:
    # Fails when a NiceGUI release changes its observable collections: then look at
    # ui/nicegui_tuning/deleted_elements.py again.
    assert deleted_elements.elements_unlink()
    assert deleted_elements.free_deleted_elements()
    assert Client.remove_elements is not deleted_elements._remove_elements


async def test_a_banner_that_goes_is_freed_at_once(user: User, no_garbage_collection: None) -> None:
    await register(user, 'alice')
    with user.client, ui.column() as area:
        incoming_banner('bob', CallKind.VIDEO, on_accept=lambda: None, on_decline=lambda _reply: None,
                        avatar=avatar_of('bob', 'bob'))
    collections = [weakref.ref(e._props) for e in area.descendants()] + \
        [weakref.ref(e._classes) for e in area.descendants()]
    assert len(collections) == 8  # the banner and its three buttons
    area.clear()
    assert [ref() for ref in collections] == [None] * 8


async def test_a_banner_with_its_replies_open_is_freed_at_once(user: User, no_garbage_collection: None) -> None:
    await register(user, 'alice')
    with user.client, ui.column() as area:
        incoming_banner('bob', CallKind.VIDEO, on_accept=lambda: None, on_decline=lambda _reply: None,
                        avatar=avatar_of('bob', 'bob'))
    user.find(marker='decline-with-message').click()
    await user.should_see(marker='reply-text')
    collections = [weakref.ref(e._props) for e in area.descendants()]
    assert len(collections) > 8  # the replies: three quick ones, the text field and Send, in their rows
    area.clear()
    assert [ref() for ref in collections] == [None] * len(collections)


async def test_a_closed_tab_leaves_no_garbage_to_collect(user: User, no_garbage_collection: None) -> None:
    await register(user, 'alice')
    elements = len(user.client.elements)
    gc.collect()
    user.client.delete()  # what NiceGUI does once a closed tab's reconnect window has passed
    garbage = gc.collect()
    # without ui/nicegui_tuning/deleted_elements.py: 266 objects for 30 elements
    assert garbage < elements, f'{garbage} objects left for the collector by {elements} elements'


def test_a_different_nicegui_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    def changed_init(self: ObservableCollection, **kwargs: object) -> None:
        self.handlers = []

    monkeypatch.setattr(Client, 'remove_elements', deleted_elements._remove_elements)
    monkeypatch.setattr(ObservableCollection, '__init__', changed_init)
    with caplog.at_level(logging.WARNING):
        assert not deleted_elements.free_deleted_elements()
    assert Client.remove_elements is deleted_elements._remove_elements
    assert 'left to the garbage collector' in caplog.text
