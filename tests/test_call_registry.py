"""The call registry through its public API, on a manual clock (no real waiting anywhere)."""
from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from backend.accounts import Account
from backend.call_registry import (
    ACTIVE,
    CONNECTING,
    ENDED,
    RINGING,
    Call,
    CallKind,
    CallRefused,
    CallRegistry,
    EndReason,
)
from backend.call_store import CallStore
from backend.directory import Directory

from .manual_clock import ManualClock

RING, CONNECT, GRACE = 45.0, 20.0, 30.0
NAMES = ('alice', 'bob', 'carol', 'dave', 'Erin')  # 'Erin' is registered with a capital on purpose


@dataclass
class World:
    """A registry with a manual clock, a directory, open tabs per user and every emission recorded."""
    clock: ManualClock
    tabs: dict[str, set[str]]
    calls: CallRegistry
    changed: list[Call] = field(default_factory=list)
    ended: list[Call] = field(default_factory=list)

    def snapshots(self, call_id: str) -> list[Call]:
        return [call for call in self.changed if call.id == call_id]

    def ended_of(self, call_id: str) -> list[Call]:
        return [call for call in self.ended if call.id == call_id]

    def emissions(self) -> tuple[int, int]:
        return len(self.changed), len(self.ended)


def make_world(store: CallStore, ring_timeout: float = RING) -> World:
    clock = ManualClock()
    tabs = {name: {f'{name}-1'} for name in NAMES}
    directory = Directory(Account(name, number) for number, name in enumerate(NAMES, 1))
    calls = CallRegistry(resolve_user=directory.registered_name, is_online=lambda user: bool(tabs.get(user)),
                         ring_timeout=ring_timeout, connect_timeout=CONNECT, reconnect_grace=GRACE, clock=clock,
                         store=store)
    calls.watch_timers()
    world = World(clock, tabs, calls)
    calls.changed.connect(world.changed.append)
    calls.ended.connect(world.ended.append)
    return world


@pytest.fixture
def w(new_call_store: Callable[[], CallStore]) -> World:
    return make_world(new_call_store())


def ringing(w: World, caller: str = 'alice', callee: str = 'bob') -> Call:
    return w.calls.invite(caller, callee, f'{caller}-1')


def connecting(w: World, caller: str = 'alice', callee: str = 'bob') -> Call:
    call = ringing(w, caller, callee)
    return w.calls.accept(call.id, callee, f'{callee}-1')


def active(w: World, caller: str = 'alice', callee: str = 'bob') -> Call:
    call = connecting(w, caller, callee)
    return w.calls.media_connected(call.id, caller)


def assert_gone(w: World, call: Call) -> None:
    """An ended call is nowhere live: not by id, not for either party, not in the list."""
    assert w.calls.get(call.id) is None
    assert w.calls.live_call_of(call.caller) is None
    assert w.calls.live_call_of(call.callee) is None
    assert not w.calls.is_busy(call.caller)
    assert not w.calls.is_busy(call.callee)
    assert call.id not in {live.id for live in w.calls.live_calls()}


def assert_ended_once(w: World, call_id: str, reason: EndReason, ended_by: str | None) -> Call:
    ended = w.ended_of(call_id)
    assert len(ended) == 1
    final = ended[0]
    assert final.state is ENDED and not final.live
    assert final.end_reason is reason
    assert final.ended_by == ended_by
    assert final.ended_at == w.clock.time()  # callers check the exact instant where it matters
    assert w.snapshots(call_id)[-1] == final  # the last snapshot on `changed` is the ended one
    assert_gone(w, final)
    return final


# ---- invite ----
def test_invite_rings_both_parties(w: World) -> None:
    w.clock.advance(3)
    call = w.calls.invite('alice', 'bob', 'alice-1')
    assert call.state is RINGING and call.live
    assert (call.caller, call.callee, call.caller_tab, call.callee_tab) == ('alice', 'bob', 'alice-1', None)
    assert call.created_at == w.clock.time()
    assert call.ring_deadline == call.created_at + RING
    assert call.seq == 0 and call.end_reason is None and call.answered_at is None and call.ended_at is None
    assert w.changed == [call] and w.ended == []
    assert w.calls.get(call.id) == call
    assert w.calls.live_call_of('alice') == call == w.calls.live_call_of('bob')
    assert w.calls.is_busy('alice') and w.calls.is_busy('bob') and not w.calls.is_busy('carol')
    assert w.calls.live_calls() == [call]
    assert uuid.UUID(call.id).version == 4


@pytest.mark.parametrize('typed', ['BOB', 'Bob', 'bOb'])
def test_invite_resolves_the_callee_case_insensitively(w: World, typed: str) -> None:
    call = w.calls.invite('alice', typed)
    assert call.callee == 'bob' and call.state is RINGING
    assert w.calls.live_call_of('bob') == call


def test_invite_uses_the_registered_spelling(w: World) -> None:
    call = w.calls.invite('alice', 'erin')
    assert call.callee == 'Erin'
    assert w.calls.is_busy('Erin')


@pytest.mark.parametrize('callee', ['alice', 'ALICE', 'zed', 'nobody', ''])
def test_refused_invites_create_nothing_and_emit_nothing(w: World, callee: str) -> None:
    with pytest.raises(CallRefused):
        w.calls.invite('alice', callee, 'alice-1')
    assert w.emissions() == (0, 0)
    assert w.calls.live_calls() == []
    assert not w.calls.is_busy('alice')
    w.clock.advance(1000)
    assert w.emissions() == (0, 0)


def test_self_call_and_unknown_user_have_distinct_messages(w: World) -> None:
    with pytest.raises(CallRefused, match='yourself'):
        w.calls.invite('alice', 'Alice')
    with pytest.raises(CallRefused, match='zed'):
        w.calls.invite('alice', 'zed')


def test_offline_callee_ends_at_once(w: World) -> None:
    w.tabs['bob'].clear()
    call = w.calls.invite('alice', 'bob', 'alice-1')
    assert call.state is ENDED and call.end_reason is EndReason.OFFLINE
    assert call.ended_at == call.created_at == w.clock.time()
    assert call.ended_by is None and call.duration == 0.0
    assert w.changed == [call] and w.ended == [call]
    assert_gone(w, call)
    w.clock.advance(RING * 3)  # no timer was left behind
    assert w.changed == [call] and w.ended == [call]
    # and the caller is free to call someone else right away
    assert w.calls.invite('alice', 'carol').state is RINGING


@pytest.mark.parametrize('bob_state', ['ringing_in', 'ringing_out', 'connecting', 'active'])
def test_busy_callee_ends_at_once(w: World, bob_state: str) -> None:
    if bob_state == 'ringing_in':
        other = ringing(w, 'carol', 'bob')
    elif bob_state == 'ringing_out':
        other = ringing(w, 'bob', 'carol')
    elif bob_state == 'connecting':
        other = connecting(w, 'carol', 'bob')
    else:
        other = active(w, 'carol', 'bob')
    before = w.emissions()
    call = w.calls.invite('alice', 'bob', 'alice-1')
    assert call.state is ENDED and call.end_reason is EndReason.BUSY
    assert call.caller == 'alice' and call.callee == 'bob' and call.id != other.id
    assert w.emissions() == (before[0] + 1, before[1] + 1)
    assert w.ended[-1] == call and w.changed[-1] == call
    assert not w.calls.is_busy('alice')
    assert w.calls.live_call_of('bob') == other == w.calls.get(other.id)  # bob's call is untouched
    assert w.calls.live_calls() == [other]


@pytest.mark.parametrize('setup', [ringing, connecting, active])
@pytest.mark.parametrize('who', ['alice', 'bob'])
def test_party_of_a_live_call_cannot_invite_someone_else(w: World, setup, who: str) -> None:
    call = setup(w)
    before = w.emissions()
    with pytest.raises(CallRefused, match='already in a call'):
        w.calls.invite(who, 'carol')
    assert w.emissions() == before
    assert w.calls.live_calls() == [call]
    assert not w.calls.is_busy('carol')


def test_caller_inviting_the_same_callee_again_is_refused(w: World) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.invite('alice', 'bob')
    assert w.calls.live_calls() == [call] and len(w.changed) == 1


def test_glare_accepts_the_existing_call(w: World) -> None:
    call = ringing(w, 'alice', 'bob')
    w.clock.advance(5)
    w.tabs['bob'].add('bob-2')
    glare = w.calls.invite('bob', 'ALICE', 'bob-2')
    assert glare.id == call.id
    assert glare.state is CONNECTING
    assert (glare.caller, glare.callee) == ('alice', 'bob')  # roles of the first call stay
    assert glare.callee_tab == 'bob-2' and glare.caller_tab == 'alice-1'
    assert glare.answered_at == w.clock.time()
    assert glare.seq == 1
    assert w.calls.live_calls() == [glare]
    assert w.ended == [] and [c.state for c in w.changed] == [RINGING, CONNECTING]


def test_a_voice_call_keeps_its_kind_in_every_snapshot(w: World) -> None:
    assert ringing(w).kind is CallKind.VIDEO  # the default
    w.calls.cancel(w.changed[-1].id, 'alice')
    call = w.calls.invite('alice', 'bob', 'alice-1', kind=CallKind.VOICE)
    w.calls.accept(call.id, 'bob', 'bob-1')
    w.calls.media_connected(call.id, 'alice')
    w.calls.hang_up(call.id, 'bob')
    assert [c.kind for c in w.snapshots(call.id)] == [CallKind.VOICE] * 4
    assert w.ended_of(call.id)[0].kind is CallKind.VOICE
    with pytest.raises(ValueError):  # not a kind: no call
        w.calls.invite('alice', 'bob', 'alice-1', kind='audio')
    assert w.calls.live_calls() == []


def test_glare_answers_the_ringing_call_as_it_was_placed(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-1', kind=CallKind.VOICE)
    glare = w.calls.invite('bob', 'alice', 'bob-1', kind=CallKind.VIDEO)
    assert glare.id == call.id and glare.state is CONNECTING and glare.kind is CallKind.VOICE


def test_glare_only_applies_while_ringing(w: World) -> None:
    call = connecting(w, 'alice', 'bob')
    with pytest.raises(CallRefused):
        w.calls.invite('bob', 'alice')
    assert w.calls.get(call.id) == call and len(w.changed) == 2


# ---- ringing: accept, decline, cancel, timeout ----
@pytest.mark.parametrize('who', ['alice', 'carol', 'BOB', None])
def test_only_the_callee_can_accept(w: World, who) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.accept(call.id, who, 'x')
    assert w.calls.get(call.id) == call and w.changed == [call]


def test_accept(w: World) -> None:
    call = ringing(w)
    w.clock.advance(7)
    accepted = w.calls.accept(call.id, 'bob', 'bob-1')
    assert accepted.state is CONNECTING and accepted.live
    assert accepted.answered_at == w.clock.time() == call.created_at + 7
    assert accepted.callee_tab == 'bob-1' and accepted.caller_tab == 'alice-1'
    assert accepted.channel == call.channel and accepted.id == call.id
    assert w.changed == [call, accepted] and w.ended == []
    assert w.calls.get(call.id) == accepted == w.calls.live_call_of('alice')


def test_accept_an_unknown_call_is_refused(w: World) -> None:
    with pytest.raises(CallRefused, match='ended'):
        w.calls.accept(str(uuid.uuid4()), 'bob')


def test_decline(w: World) -> None:
    call = ringing(w)
    w.clock.advance(2)
    for who in ('alice', 'carol'):
        with pytest.raises(CallRefused):
            w.calls.decline(call.id, who)
    declined = w.calls.decline(call.id, 'bob')
    assert declined.state is ENDED and declined.answered_at is None and declined.duration == 0
    assert assert_ended_once(w, call.id, EndReason.DECLINED, 'bob') == declined
    with pytest.raises(CallRefused):
        w.calls.decline(call.id, 'bob')
    assert len(w.ended) == 1


def test_decline_after_accept_is_refused(w: World) -> None:
    call = connecting(w)
    with pytest.raises(CallRefused, match='already answered'):
        w.calls.decline(call.id, 'bob')
    assert w.calls.get(call.id).state is CONNECTING


def test_cancel(w: World) -> None:
    call = ringing(w)
    for who in ('bob', 'carol'):
        with pytest.raises(CallRefused):
            w.calls.cancel(call.id, who)
    cancelled = w.calls.cancel(call.id, 'alice')
    assert assert_ended_once(w, call.id, EndReason.CANCELLED, 'alice') == cancelled
    w.clock.advance(RING * 2)  # the ring timer died with the call
    assert len(w.ended) == 1 and len(w.changed) == 2


@pytest.mark.parametrize('action', ['hang_up', 'connect_failed'])
def test_answered_only_actions_are_refused_while_ringing(w: World, action: str) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused, match='not been answered'):
        getattr(w.calls, action)(call.id, 'alice')
    assert w.calls.get(call.id) == call and len(w.changed) == 1


def test_the_callers_camera_failing_while_it_rings_ends_the_call(w: World) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.media_failed(call.id, 'carol', 'nosy')
    w.clock.advance(3)
    final = w.calls.media_failed(call.id, 'alice', 'permission denied')
    assert final.detail == 'permission denied' and final.answered_at is None
    assert assert_ended_once(w, call.id, EndReason.MEDIA_FAILED, 'alice') == final
    w.clock.advance(RING * 2)  # the ring timer died with the call
    assert len(w.ended) == 1


def test_ring_timeout_fires_exactly_at_the_deadline(w: World) -> None:
    call = ringing(w)
    w.clock.advance(RING - 0.01)
    assert w.calls.get(call.id).state is RINGING and w.ended == []
    w.clock.advance(0.01)
    final = assert_ended_once(w, call.id, EndReason.NO_ANSWER, None)
    assert final.ended_at == call.ring_deadline
    w.clock.advance(1000)
    assert len(w.ended) == 1 and len(w.changed) == 2


def test_ring_timeout_follows_the_configured_value(new_call_store: Callable[[], CallStore]) -> None:
    w = make_world(new_call_store(), ring_timeout=3)
    call = ringing(w)
    assert call.ring_deadline == call.created_at + 3
    w.clock.advance(2.99)
    assert w.ended == []
    w.clock.advance(0.01)
    assert_ended_once(w, call.id, EndReason.NO_ANSWER, None)


# ---- connecting and active ----
def test_connect_timeout(w: World) -> None:
    call = connecting(w)
    w.clock.advance(CONNECT - 0.01)
    assert w.calls.get(call.id).state is CONNECTING
    w.clock.advance(0.01)
    final = assert_ended_once(w, call.id, EndReason.CONNECT_FAILED, None)
    assert final.ended_at == call.answered_at + CONNECT
    assert final.duration == CONNECT
    w.clock.advance(RING * 2)  # neither the old ring timer nor anything else fires later
    assert len(w.ended) == 1


def test_ring_timer_is_gone_once_accepted(w: World) -> None:
    call = ringing(w)
    w.clock.advance(RING - 1)
    w.calls.accept(call.id, 'bob', 'bob-1')
    w.clock.advance(1)  # the old ring deadline passes
    assert w.calls.get(call.id).state is CONNECTING and w.ended == []


def test_media_connected_makes_the_call_active_without_timers(w: World) -> None:
    call = connecting(w)
    now_active = w.calls.media_connected(call.id, 'bob')
    assert now_active.state is ACTIVE and not now_active.reconnecting and now_active.seq == 2
    assert w.changed[-1] == now_active
    # the other party's report (or a repeat) changes nothing and emits nothing
    assert w.calls.media_connected(call.id, 'alice') == now_active
    assert w.calls.media_connected(call.id, 'bob') == now_active
    assert len(w.changed) == 3
    w.clock.advance(3600)  # no connect timeout, nothing else
    assert w.calls.get(call.id) == now_active and w.ended == []


def test_media_lost_then_back_cancels_the_grace_timer(w: World) -> None:
    call = active(w)
    lost = w.calls.media_lost(call.id, 'alice')
    assert lost.state is ACTIVE and lost.reconnecting and lost.seq == call.seq + 1
    w.clock.advance(GRACE - 1)
    back = w.calls.media_connected(call.id, 'bob')
    assert back.state is ACTIVE and not back.reconnecting and back.seq == lost.seq + 1
    w.clock.advance(GRACE * 10)
    assert w.calls.get(call.id) == back and w.ended == []
    assert [c.reconnecting for c in w.snapshots(call.id)] == [False, False, False, True, False]


def test_reconnect_grace_ends_the_call(w: World) -> None:
    call = active(w)
    w.clock.advance(5)
    lost = w.calls.media_lost(call.id, 'bob')
    w.clock.advance(10)
    assert w.calls.media_lost(call.id, 'alice') == lost  # a second report does not restart the grace period
    assert len(w.snapshots(call.id)) == 4
    w.clock.advance(GRACE - 10 - 0.01)
    assert w.calls.get(call.id).reconnecting and w.ended == []
    w.clock.advance(0.01)
    final = assert_ended_once(w, call.id, EndReason.CONNECTION_LOST, None)
    assert final.ended_at == call.answered_at + 5 + GRACE
    assert not final.reconnecting


def test_media_lost_while_connecting_is_refused(w: World) -> None:
    call = connecting(w)
    with pytest.raises(CallRefused):
        w.calls.media_lost(call.id, 'alice')
    assert w.calls.get(call.id) == call


@pytest.mark.parametrize('setup', [connecting, active])
@pytest.mark.parametrize(('action', 'reason'), [('media_failed', EndReason.MEDIA_FAILED),
                                                ('connect_failed', EndReason.CONNECT_FAILED)])
def test_failures_reported_by_a_party(w: World, setup, action: str, reason: EndReason) -> None:
    call = setup(w)
    with pytest.raises(CallRefused):
        getattr(w.calls, action)(call.id, 'carol', 'nosy')
    w.clock.advance(2)
    final = getattr(w.calls, action)(call.id, 'bob', 'ICE failed')
    assert final.detail == 'ICE failed'
    assert assert_ended_once(w, call.id, reason, 'bob') == final


@pytest.mark.parametrize('who', ['alice', 'bob'])
@pytest.mark.parametrize('setup', [connecting, active])
def test_hang_up_by_either_party(w: World, who: str, setup) -> None:
    call = setup(w)
    w.clock.advance(12)  # within the connect timeout
    final = w.calls.hang_up(call.id, who)
    assert assert_ended_once(w, call.id, EndReason.COMPLETED, who) == final
    assert final.duration == 12
    with pytest.raises(CallRefused):
        w.calls.hang_up(call.id, call.peer_of(who))
    assert len(w.ended) == 1


def test_hang_up_by_an_outsider_is_refused(w: World) -> None:
    call = active(w)
    with pytest.raises(CallRefused, match='Only the people'):
        w.calls.hang_up(call.id, 'carol')
    assert w.calls.get(call.id) == call


@pytest.mark.parametrize('action', ['media_connected', 'media_lost'])
def test_media_reports_from_outsiders_are_refused_even_when_they_change_nothing(w: World, action: str) -> None:
    call = active(w)
    if action == 'media_lost':
        call = w.calls.media_lost(call.id, 'alice')  # a repeated media_lost would change nothing
    before = w.emissions()
    with pytest.raises(CallRefused):
        getattr(w.calls, action)(call.id, 'carol')
    assert w.emissions() == before and w.calls.get(call.id) == call


# ---- tabs going away ----
def test_callers_last_tab_closing_while_ringing_cancels(w: World) -> None:
    call = ringing(w)
    w.tabs['alice'].clear()
    ended = w.calls.tab_gone('alice', 'alice-1', tabs_left=0)
    assert assert_ended_once(w, call.id, EndReason.CANCELLED, 'alice') == ended


def test_callers_other_tab_closing_while_ringing_changes_nothing(w: World) -> None:
    call = ringing(w)
    assert w.calls.tab_gone('alice', 'alice-1', tabs_left=1) is None  # even the tab that placed the call
    assert w.calls.tab_gone('alice', 'alice-2', tabs_left=1) is None
    assert w.calls.get(call.id) == call and len(w.changed) == 1


def test_callee_tab_closing_while_ringing_changes_nothing_while_another_rings(w: World) -> None:
    call = ringing(w)
    assert w.calls.tab_gone('bob', 'bob-1', tabs_left=1) is None
    assert w.calls.get(call.id) == call and len(w.changed) == 1


def test_callees_last_tab_closing_while_ringing_ends_it_as_offline(w: World) -> None:
    call = ringing(w)
    w.tabs['bob'].clear()
    ended = w.calls.tab_gone('bob', 'bob-1', tabs_left=0)
    assert assert_ended_once(w, call.id, EndReason.OFFLINE, 'bob') == ended


@pytest.mark.parametrize('who', ['alice', 'bob'])
@pytest.mark.parametrize('setup', [connecting, active])
def test_the_tab_holding_an_answered_call_going_away_ends_it(w: World, who: str, setup) -> None:
    call = setup(w)
    ended = w.calls.tab_gone(who, f'{who}-1', tabs_left=1)
    assert assert_ended_once(w, call.id, EndReason.CONNECTION_LOST, who) == ended


@pytest.mark.parametrize('who', ['alice', 'bob'])
@pytest.mark.parametrize('tabs_left', [0, 1])
def test_a_tab_not_holding_the_call_going_away_changes_nothing(w: World, who: str, tabs_left: int) -> None:
    call = active(w)
    assert w.calls.tab_gone(who, f'{who}-other', tabs_left=tabs_left) is None
    assert w.calls.get(call.id) == call and w.ended == []


def test_tab_gone_of_someone_else_or_without_a_call(w: World) -> None:
    call = active(w)
    assert w.calls.tab_gone('carol', 'alice-1', tabs_left=0) is None  # same tab id, different user
    assert w.calls.tab_gone('dave', 'dave-1', tabs_left=0) is None
    assert w.calls.get(call.id) == call and w.ended == []


# ---- shutdown ----
def test_shutdown_ends_every_live_call_with_error(w: World) -> None:
    one, two = ringing(w, 'alice', 'bob'), connecting(w, 'carol', 'dave')
    busy = w.calls.invite('Erin', 'bob')  # ended before shutdown: must not be ended again
    assert busy.end_reason is EndReason.BUSY
    w.clock.advance(3)
    w.calls.shutdown()
    assert w.calls.live_calls() == []
    for call in (one, two):
        final = assert_ended_once(w, call.id, EndReason.ERROR, None)
        assert final.ended_at == w.clock.time()
    assert [c.id for c in w.ended] == [busy.id, one.id, two.id]
    w.clock.advance(1000)
    w.calls.shutdown()
    assert len(w.ended) == 3


def test_shutdown_ends_active_and_reconnecting_calls(w: World) -> None:
    call = active(w)
    w.calls.media_lost(call.id, 'alice')
    w.calls.shutdown()
    assert_ended_once(w, call.id, EndReason.ERROR, None)
    w.clock.advance(GRACE * 2)  # the grace timer died with the call
    assert len(w.ended) == 1


# ---- snapshots: seq, channel ----
def test_seq_grows_by_one_per_snapshot(w: World) -> None:
    call = ringing(w)
    returned = [call,
                w.calls.accept(call.id, 'bob', 'bob-1'),
                w.calls.media_connected(call.id, 'alice'),
                w.calls.media_lost(call.id, 'bob'),
                w.calls.media_connected(call.id, 'alice'),
                w.calls.hang_up(call.id, 'bob')]
    emitted = w.snapshots(call.id)
    assert emitted == returned
    assert [c.seq for c in emitted] == [0, 1, 2, 3, 4, 5]
    assert [c.state for c in emitted] == [RINGING, CONNECTING, ACTIVE, ACTIVE, ACTIVE, ENDED]


def test_seq_is_per_call(w: World) -> None:
    first = ringing(w, 'alice', 'bob')
    second = ringing(w, 'carol', 'dave')
    w.calls.accept(first.id, 'bob')
    w.calls.cancel(second.id, 'carol')
    assert [c.seq for c in w.snapshots(first.id)] == [0, 1]
    assert [c.seq for c in w.snapshots(second.id)] == [0, 1]


def test_channel_is_random_128_bits_and_fresh_per_call(w: World) -> None:
    channels = []
    for _ in range(50):
        call = ringing(w, 'alice', 'bob')
        channels.append(call.channel)
        assert re.fullmatch(r'[0-9a-f]{32}', call.channel)
        assert 'alice' not in call.channel and 'bob' not in call.channel
        assert call.channel not in call.id.replace('-', '')
        w.calls.cancel(call.id, 'alice')
    assert len(set(channels)) == len(channels)
    # not derived from the names: every hex digit shows up across the calls of one pair
    assert set(''.join(channels)) == set('0123456789abcdef')


def test_channel_survives_every_transition(w: World) -> None:
    call = active(w)
    w.calls.hang_up(call.id, 'alice')
    assert {c.channel for c in w.snapshots(call.id)} == {call.channel}


# ---- media signalling ----
def test_signal_peer_only_between_the_calling_and_the_answering_tab_of_an_answered_live_call(w: World) -> None:
    call = ringing(w)
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-1') is None
    assert w.calls.signal_peer(call.id, 'bob', 'bob-1', 'alice-1') is None
    w.calls.accept(call.id, 'bob', 'bob-1')
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-1') == 'bob'
    assert w.calls.signal_peer(call.id, 'bob', 'bob-1', 'alice-1') == 'alice'
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-2') is None  # a tab that did not answer
    assert w.calls.signal_peer(call.id, 'bob', 'bob-2', 'alice-1') is None
    assert w.calls.signal_peer(call.id, 'alice', 'alice-2', 'bob-1') is None  # not the calling tab
    assert w.calls.signal_peer(call.id, 'carol', 'bob-1', 'alice-1') is None
    assert w.calls.signal_peer(call.id, 'BOB', 'bob-1', 'alice-1') is None
    w.calls.media_connected(call.id, 'alice')
    assert w.calls.signal_peer(call.id, 'bob', 'bob-1', 'alice-1') == 'alice'
    assert w.calls.signal_peer(str(uuid.uuid4()), 'bob', 'bob-1', 'alice-1') is None
    w.calls.hang_up(call.id, 'alice')
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-1') is None
    assert w.calls.signal_peer(call.id, 'bob', 'bob-1', 'alice-1') is None


def test_signal_peer_while_it_rings_between_the_calling_tab_and_every_tab_of_the_callee(w: World) -> None:
    w.calls.connect_while_ringing = True  # INSTANT_ANSWER
    call = ringing(w)
    for tab in ('bob-1', 'bob-2'):
        assert w.calls.signal_peer(call.id, 'alice', 'alice-1', tab) == 'bob'
        assert w.calls.signal_peer(call.id, 'bob', tab, 'alice-1') == 'alice'
        assert w.calls.signal_peer(call.id, 'bob', tab, 'alice-2') is None  # only the calling tab connects
    assert w.calls.signal_peer(call.id, 'carol', 'carol-1', 'alice-1') is None
    w.calls.accept(call.id, 'bob', 'bob-2')
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-2') == 'bob'
    assert w.calls.signal_peer(call.id, 'alice', 'alice-1', 'bob-1') is None  # answered elsewhere: cut off
    assert w.calls.signal_peer(call.id, 'bob', 'bob-1', 'alice-1') is None
    w.calls.hang_up(call.id, 'bob')
    declined = ringing(w)
    w.calls.decline(declined.id, 'bob')
    assert w.calls.signal_peer(declined.id, 'alice', 'alice-1', 'bob-1') is None


# ---- races ----
RACERS = ('accept', 'cancel', 'decline', 'timeout')
OUTCOME = {'accept': (CONNECTING, None, None), 'cancel': (ENDED, EndReason.CANCELLED, 'alice'),
           'decline': (ENDED, EndReason.DECLINED, 'bob'), 'timeout': (ENDED, EndReason.NO_ANSWER, None)}


@pytest.mark.parametrize('order', list(itertools.permutations(RACERS)), ids='-'.join)
def test_ringing_races_first_one_wins(w: World, order: tuple[str, ...]) -> None:
    call = ringing(w)
    w.clock.advance(RING - 1)  # every racer arrives within the last second of ringing
    refused = []
    for racer in order:
        if racer == 'timeout':
            ended_before = len(w.ended)
            w.clock.advance(1)  # the ring deadline passes
            if len(w.ended) == ended_before:
                refused.append(racer)
            continue
        try:
            {'accept': lambda: w.calls.accept(call.id, 'bob', 'bob-1'),
             'cancel': lambda: w.calls.cancel(call.id, 'alice'),
             'decline': lambda: w.calls.decline(call.id, 'bob')}[racer]()
        except CallRefused:
            refused.append(racer)
    winner = order[0]
    assert refused == list(order[1:])
    state, reason, ended_by = OUTCOME[winner]
    assert len(w.snapshots(call.id)) == 2  # the ringing one and the winner's
    final = w.snapshots(call.id)[-1]
    assert final.state is state and final.end_reason is reason and final.ended_by == ended_by
    if state is ENDED:
        assert w.ended == [final]
        assert_gone(w, final)
    else:
        assert w.ended == [] and w.calls.get(call.id) == final and final.callee_tab == 'bob-1'


def test_two_tabs_accepting_first_wins(w: World) -> None:
    w.tabs['bob'] |= {'bob-2'}
    call = ringing(w)
    first = w.calls.accept(call.id, 'bob', 'bob-2')
    with pytest.raises(CallRefused, match='already answered'):
        w.calls.accept(call.id, 'bob', 'bob-1')
    assert w.calls.get(call.id) == first and first.callee_tab == 'bob-2'
    assert len(w.snapshots(call.id)) == 2
    # the losing tab closing later does not touch the call; the winning one does
    assert w.calls.tab_gone('bob', 'bob-1', tabs_left=1) is None
    assert w.calls.tab_gone('bob', 'bob-2', tabs_left=0).end_reason is EndReason.CONNECTION_LOST


def test_actions_on_an_ended_call_are_refused(w: World) -> None:
    call = active(w)
    w.calls.hang_up(call.id, 'alice')
    before = w.emissions()
    for action in ('accept', 'decline', 'cancel', 'hang_up', 'media_connected', 'media_lost', 'media_failed',
                   'connect_failed'):
        for who in ('alice', 'bob'):
            with pytest.raises(CallRefused, match='already ended'):
                getattr(w.calls, action)(call.id, who)
    assert w.emissions() == before


def test_ended_calls_never_ring_again(w: World) -> None:
    call = ringing(w)
    w.calls.decline(call.id, 'bob')
    again = ringing(w)
    assert again.id != call.id and again.channel != call.channel
    assert w.calls.live_calls() == [again]
    w.clock.advance(RING)
    assert [c.id for c in w.ended] == [call.id, again.id]
    assert all(c.id != call.id for c in w.changed[2:])


# ---- Agora RTM mode: outcomes the pages report from Agora's signalling ----
@pytest.mark.parametrize(('action', 'actor', 'outsider', 'reason'), [
    ('refused_busy', 'bob', 'alice', EndReason.BUSY),
    ('peer_offline', 'alice', 'bob', EndReason.OFFLINE),
    ('no_response', 'alice', 'bob', EndReason.NO_ANSWER),
    ('signaling_failed', 'bob', 'carol', EndReason.ERROR),
    ('signaling_failed', 'alice', 'carol', EndReason.ERROR),
])
def test_ringing_outcomes_reported_from_agora(w: World, action: str, actor: str, outsider: str,
                                              reason: EndReason) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        getattr(w.calls, action)(call.id, outsider)
    assert w.calls.get(call.id) == call
    final = getattr(w.calls, action)(call.id, actor)
    assert assert_ended_once(w, call.id, reason, actor) == final
    answered = connecting(w, 'carol', 'dave')
    with pytest.raises(CallRefused):  # only while ringing
        getattr(w.calls, action)(answered.id, 'dave' if actor == 'bob' else 'carol')


@pytest.mark.parametrize('setup', [connecting, active])
def test_peer_left_ends_the_call_as_the_peers(w: World, setup) -> None:
    call = setup(w)
    with pytest.raises(CallRefused):
        w.calls.peer_left(call.id, 'carol')
    final = w.calls.peer_left(call.id, 'alice', 'user-left')
    assert final.detail == 'user-left'
    assert assert_ended_once(w, call.id, EndReason.CONNECTION_LOST, 'bob') == final


def test_peer_left_is_refused_while_ringing(w: World) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.peer_left(call.id, 'alice')
    assert w.calls.get(call.id) == call


def test_callee_online_overrides_this_servers_presence(w: World) -> None:
    offline = w.calls.invite('alice', 'bob', 'alice-1', callee_online=False)  # bob has a tab here
    assert offline.state is ENDED and offline.end_reason is EndReason.OFFLINE
    w.tabs['carol'].clear()
    call = w.calls.invite('alice', 'carol', 'alice-1', callee_online=True)  # no tab here, but online on Agora
    assert call.state is RINGING and w.calls.live_call_of('carol') == call


def test_a_reloaded_calling_tab_hands_the_ringing_call_to_the_new_tab(new_call_store: Callable[[], CallStore]) -> None:
    clock = ManualClock()
    registry = CallRegistry(resolve_user=lambda name: name, is_online=lambda _: True, clock=clock,
                            store=new_call_store())
    call = registry.invite('alice', 'bob', 'old-tab')
    clock.advance(10)
    moved = registry.tab_gone('alice', 'old-tab', tabs_left=1, successor='new-tab')
    assert moved is not None and moved.state is RINGING and moved.caller_tab == 'new-tab'
    assert moved.ring_deadline == call.ring_deadline  # the ring keeps its deadline
    assert registry.tab_gone('alice', 'some-other-tab', tabs_left=1, successor='new-tab') is None
    accepted = registry.accept(call.id, 'bob', 'bob-tab')
    assert accepted.tab_of('alice') == 'new-tab'


# ---- screen sharing: one share at a time, decided here ----
def test_a_share_is_shown_until_its_sharer_stops(w: World) -> None:
    call = active(w)
    shared = w.calls.share_screen(call.id, 'bob')
    assert shared.sharing == 'bob' and shared.state is ACTIVE and shared.seq == call.seq + 1
    assert w.changed[-1] == shared
    assert w.calls.stop_sharing(call.id, 'alice') == shared  # not alice's share: nothing changes, nothing is sent
    assert w.changed[-1] == shared
    stopped = w.calls.stop_sharing(call.id, 'bob')
    assert stopped.sharing is None and stopped.seq == shared.seq + 1
    w.clock.advance(3600)  # no timer came with it
    assert w.calls.get(call.id) == stopped and w.ended == []


def test_the_other_partys_share_takes_over(w: World) -> None:
    call = active(w)
    w.calls.share_screen(call.id, 'alice')
    taken = w.calls.share_screen(call.id, 'bob')
    assert taken.sharing == 'bob'
    assert w.calls.stop_sharing(call.id, 'alice').sharing == 'bob'  # alice's browser stopping late changes nothing


@pytest.mark.parametrize('action', ['share_screen', 'stop_sharing'])
def test_sharing_is_for_the_parties_of_a_call_whose_media_flows(w: World, action: str) -> None:
    call = connecting(w)
    with pytest.raises(CallRefused, match='not connected yet'):
        getattr(w.calls, action)(call.id, 'alice')
    call = w.calls.media_connected(call.id, 'bob')
    with pytest.raises(CallRefused, match='Only the people in a call'):
        getattr(w.calls, action)(call.id, 'carol')
    lost = w.calls.media_lost(call.id, 'bob')
    w.clock.advance(10)
    with pytest.raises(CallRefused, match='reconnecting'):  # it would end the reconnect grace, and its timer
        getattr(w.calls, action)(call.id, 'alice')
    assert w.calls.get(call.id) == lost
    w.clock.advance(GRACE - 10)
    assert_ended_once(w, call.id, EndReason.CONNECTION_LOST, None)


def test_a_share_outlasts_a_media_drop(w: World) -> None:
    call = active(w)
    w.calls.share_screen(call.id, 'alice')
    w.calls.media_lost(call.id, 'bob')
    assert w.calls.media_connected(call.id, 'bob').sharing == 'alice'
