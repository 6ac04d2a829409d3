"""Presence: online/busy/offline from tabs and calls, and the coalesced `changed` batches."""
from __future__ import annotations

import asyncio

import pytest

from backend.presence import BUSY, FLUSH_DELAY, OFFLINE, ONLINE, Presence

DELAY = 0.05  # a short batch window keeps the async tests fast


class Recorder:
    def __init__(self, presence: Presence) -> None:
        self.batches: list[dict[str, str]] = []
        presence.changed.connect(self.batches.append)

    def published(self, user: str) -> list[str]:
        return [batch[user] for batch in self.batches if user in batch]


@pytest.fixture
def busy() -> set[str]:
    return set()


@pytest.fixture
def presence(busy: set[str]) -> Presence:
    return Presence(is_busy=busy.__contains__, flush_delay=DELAY)


# ---- without a running loop every change is published at once ----
def test_status_follows_the_tabs(presence: Presence) -> None:
    seen = Recorder(presence)
    assert presence.status('alice') == OFFLINE and presence.tabs('alice') == ()
    presence.tab_connected('alice', 't1')
    assert presence.status('alice') == ONLINE
    assert seen.batches == [{'alice': ONLINE}]
    presence.tab_connected('alice', 't2')
    assert presence.tabs('alice') == ('t1', 't2')  # oldest first
    presence.tab_gone('alice', 't1')
    assert presence.status('alice') == ONLINE and presence.tabs('alice') == ('t2',)
    assert seen.batches == [{'alice': ONLINE}]  # still online: nothing to publish
    presence.tab_gone('alice', 't2')
    assert presence.status('alice') == OFFLINE and presence.tabs('alice') == ()
    assert seen.batches == [{'alice': ONLINE}, {'alice': OFFLINE}]


def test_users_are_independent(presence: Presence) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    presence.tab_connected('bob', 't1')  # tab ids are per user
    presence.tab_gone('alice', 't1')
    assert presence.status('bob') == ONLINE and presence.status('alice') == OFFLINE
    assert seen.batches == [{'alice': ONLINE}, {'bob': ONLINE}, {'alice': OFFLINE}]


def test_tabs_is_a_snapshot(presence: Presence) -> None:
    presence.tab_connected('alice', 't1')
    tabs = presence.tabs('alice')
    presence.tab_connected('alice', 't2')
    assert tabs == ('t1',)


def test_gone_of_an_unknown_tab_or_user_is_harmless(presence: Presence) -> None:
    seen = Recorder(presence)
    presence.tab_gone('nobody', 'tx')
    presence.tab_connected('alice', 't1')
    presence.tab_gone('alice', 'other')
    assert presence.status('nobody') == OFFLINE and presence.status('alice') == ONLINE
    assert seen.batches == [{'alice': ONLINE}]


def test_reload_never_publishes_offline(presence: Presence) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 'old')
    for number in range(5):  # NiceGUI connects the reloaded tab before it deletes the old one
        presence.tab_connected('alice', f'new{number}')
        presence.tab_gone('alice', 'old' if number == 0 else f'new{number - 1}')
        assert presence.status('alice') == ONLINE
    assert seen.batches == [{'alice': ONLINE}]
    assert OFFLINE not in seen.published('alice')


def test_busy_comes_from_is_busy(presence: Presence, busy: set[str]) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    busy.add('alice')
    assert presence.status('alice') == BUSY  # status() asks every time
    presence.touch('alice')
    busy.discard('alice')
    presence.touch('alice')
    assert seen.published('alice') == [ONLINE, BUSY, ONLINE]


def test_busy_without_tabs_is_offline(presence: Presence, busy: set[str]) -> None:
    seen = Recorder(presence)
    busy.add('alice')
    presence.touch('alice')
    assert presence.status('alice') == OFFLINE and seen.batches == []
    presence.tab_connected('alice', 't1')
    assert seen.batches == [{'alice': BUSY}]
    presence.tab_gone('alice', 't1')
    assert seen.batches == [{'alice': BUSY}, {'alice': OFFLINE}]


def test_touch_without_a_change_publishes_nothing(presence: Presence) -> None:
    seen = Recorder(presence)
    presence.touch('alice')
    presence.tab_connected('alice', 't1')
    presence.touch('alice')
    presence.touch('alice')
    assert seen.batches == [{'alice': ONLINE}]


def test_default_flush_delay_is_well_under_a_second() -> None:
    assert 0 < FLUSH_DELAY <= 0.5  # the design: changes reach other dashboards within a second


# ---- inside a running loop changes are batched ----
async def test_changes_within_the_window_are_one_batch_with_the_net_diff(presence: Presence) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    presence.tab_connected('bob', 't1')
    presence.tab_connected('bob', 't2')
    presence.tab_connected('carol', 't1')
    presence.tab_gone('carol', 't1')  # carol came and went within the window: nothing to say about her
    assert seen.batches == []  # nothing yet: the batch waits for the window
    await asyncio.sleep(DELAY * 3)
    assert seen.batches == [{'alice': ONLINE, 'bob': ONLINE}]
    assert presence.status('carol') == OFFLINE


async def test_a_change_that_reverts_within_the_window_is_not_published(presence: Presence,
                                                                       busy: set[str]) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    await asyncio.sleep(DELAY * 3)
    assert seen.batches == [{'alice': ONLINE}]
    presence.tab_gone('alice', 't1')  # a reload that happens to close first
    presence.tab_connected('alice', 't2')
    busy.add('alice')
    presence.touch('alice')
    busy.discard('alice')  # rang and was cancelled within the window
    presence.touch('alice')
    await asyncio.sleep(DELAY * 3)
    assert seen.batches == [{'alice': ONLINE}]


async def test_batches_follow_one_another(presence: Presence, busy: set[str]) -> None:
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    presence.tab_connected('bob', 't1')
    await asyncio.sleep(DELAY * 3)
    busy.update({'alice', 'bob'})
    presence.touch('alice')
    presence.touch('bob')
    presence.tab_connected('carol', 't1')
    await asyncio.sleep(DELAY * 3)
    presence.tab_gone('bob', 't1')
    await asyncio.sleep(DELAY * 3)
    assert seen.batches == [{'alice': ONLINE, 'bob': ONLINE},
                            {'alice': BUSY, 'bob': BUSY, 'carol': ONLINE},
                            {'bob': OFFLINE}]


async def test_the_window_starts_at_the_first_change() -> None:
    presence = Presence(flush_delay=0.5)
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    await asyncio.sleep(0.05)
    presence.tab_connected('bob', 't1')  # joins the batch that is already waiting
    assert seen.batches == []
    # this wake-up is due after the first change's window closes but before a restarted window would
    await asyncio.sleep(0.5 * 0.9)
    assert seen.batches == [{'alice': ONLINE, 'bob': ONLINE}]


async def test_the_default_window_publishes_within_a_second() -> None:
    presence = Presence()
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    presence.tab_connected('alice', 't2')
    presence.tab_gone('alice', 't1')
    for _ in range(100):
        if seen.batches:
            break
        await asyncio.sleep(0.01)
    assert seen.batches == [{'alice': ONLINE}]
    assert presence.status('alice') == ONLINE  # is_busy defaults to never busy


async def test_a_listener_that_fails_does_not_stop_the_batches(presence: Presence) -> None:
    def broken(_diff: dict[str, str]) -> None:
        raise RuntimeError('a broken dashboard')
    presence.changed.connect(broken)
    seen = Recorder(presence)
    presence.tab_connected('alice', 't1')
    await asyncio.sleep(DELAY * 3)
    presence.tab_gone('alice', 't1')
    await asyncio.sleep(DELAY * 3)
    assert seen.batches == [{'alice': ONLINE}, {'alice': OFFLINE}]
