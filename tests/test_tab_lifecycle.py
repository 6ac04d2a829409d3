"""Tabs opening and going away, as the dashboard reports them: presence and the call of the tab's user."""
from __future__ import annotations

from backend.call_registry import CONNECTING, RINGING, CallRegistry, EndReason
from backend.presence import BUSY, OFFLINE, ONLINE, Presence
from backend.tab_lifecycle import TabLifecycle

from .manual_clock import ManualClock


def setup() -> tuple[TabLifecycle, Presence, CallRegistry]:
    calls: CallRegistry
    presence = Presence(is_busy=lambda user: calls.is_busy(user))
    calls = CallRegistry(resolve_user=lambda name: name, is_online=lambda user: bool(presence.tabs(user)),
                         clock=ManualClock())
    return TabLifecycle(presence, calls), presence, calls


def test_a_user_is_online_from_the_first_tab_to_the_last() -> None:
    tabs, presence, _ = setup()
    tabs.opened('alice', 'a1')
    tabs.opened('alice', 'a2')
    tabs.gone('alice', 'a1')
    assert presence.status('alice') == ONLINE and presence.tabs('alice') == ('a2',)
    tabs.gone('alice', 'a2')
    assert presence.status('alice') == OFFLINE


def test_the_callers_last_tab_gone_cancels_the_ringing_call() -> None:
    tabs, presence, calls = setup()
    tabs.opened('alice', 'a1')
    tabs.opened('bob', 'b1')
    call = calls.invite('alice', 'bob', 'a1')
    assert presence.status('bob') == BUSY
    tabs.gone('alice', 'a1')
    assert calls.get(call.id) is None and not calls.is_busy('bob')
    assert presence.status('alice') == OFFLINE and presence.status('bob') == ONLINE


def test_a_reloaded_calling_tab_hands_the_ringing_call_to_the_newest_tab() -> None:
    tabs, _, calls = setup()
    for user, tab in (('alice', 'a1'), ('bob', 'b1'), ('alice', 'a2')):
        tabs.opened(user, tab)
    call = calls.invite('alice', 'bob', 'a1')
    tabs.opened('alice', 'a3')  # the reload of a1
    tabs.gone('alice', 'a1')
    moved = calls.get(call.id)
    assert moved.state is RINGING and moved.caller_tab == 'a3'


def test_the_tab_holding_a_call_gone_ends_it_but_another_tab_does_not() -> None:
    tabs, _, calls = setup()
    for user, tab in (('alice', 'a1'), ('bob', 'b1'), ('bob', 'b2')):
        tabs.opened(user, tab)
    call = calls.invite('alice', 'bob', 'a1')
    calls.accept(call.id, 'bob', 'b2')
    ended = []
    calls.ended.connect(ended.append)
    tabs.gone('bob', 'b1')
    assert calls.get(call.id).state is CONNECTING and ended == []
    tabs.gone('bob', 'b2')
    assert [(c.id, c.end_reason, c.ended_by) for c in ended] == [(call.id, EndReason.CONNECTION_LOST, 'bob')]
