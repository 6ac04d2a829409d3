"""Thousands of random, interleaved call actions per seed against the registry, checked after every step
against the design's rules and an independent model of what each action should do. Ended calls go into a
real CallHistory on SQLite, which must end up with exactly one row per call."""
from __future__ import annotations

import random
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from backend.accounts import Accounts
from backend.call_history import CallHistory
from backend.call_registry import (
    ACTIVE,
    CONNECTING,
    ENDED,
    MISSED_REASONS,
    RINGING,
    Call,
    CallRefused,
    CallRegistry,
    EndReason,
)
from backend.call_store import CallStore
from backend.database import CallRecord, create_database, dispose
from backend.directory import Directory

from .manual_clock import ManualClock

NAMES = ('alice', 'Bob', 'carol', 'dave', 'Erin')
RING, CONNECT, GRACE = 45.0, 20.0, 30.0
STEPS = 4000

NEXT_STATES = {None: {RINGING, ENDED}, RINGING: {CONNECTING, ENDED}, CONNECTING: {ACTIVE, ENDED},
               ACTIVE: {ACTIVE, ENDED}}
ANSWERED_ENDS = {EndReason.COMPLETED, EndReason.CONNECT_FAILED, EndReason.MEDIA_FAILED, EndReason.CONNECTION_LOST,
                 EndReason.ERROR}
END_REASONS_FROM = {None: {EndReason.BUSY, EndReason.OFFLINE},
                    RINGING: {EndReason.CANCELLED, EndReason.DECLINED, EndReason.NO_ANSWER, EndReason.OFFLINE,
                              EndReason.ERROR, EndReason.MEDIA_FAILED},
                    CONNECTING: ANSWERED_ENDS, ACTIVE: ANSWERED_ENDS}
FIXED_FIELDS = ('id', 'caller', 'callee', 'channel', 'created_at', 'ring_deadline', 'caller_tab')


class Observer:
    """Listens to `changed` and `ended` and checks every snapshot against the one before it."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.snapshots: dict[str, list[Call]] = {}
        self.ended: defaultdict[str, list[Call]] = defaultdict(list)
        self.ended_in_order: list[Call] = []
        self.reconnecting_since: dict[str, float] = {}
        self.errors: list[str] = []  # a Signal swallows exceptions, so problems are collected instead
        self.changed_count = 0
        self.gone: set[str] = set()  # ended calls already found gone from the registry
        self.ended_count = 0

    def fail(self, call: Call, message: str) -> None:
        self.errors.append(f'{message}: {call}')

    def on_changed(self, call: Call) -> None:
        self.changed_count += 1
        seen = self.snapshots.setdefault(call.id, [])
        prev = seen[-1] if seen else None
        prev_state = prev.state if prev else None
        if prev is None:
            if not ((call.state is RINGING and call.seq == 0) or (call.state is ENDED and call.seq == 1)):
                self.fail(call, 'a call must start ringing (seq 0) or ended at once (seq 1)')
        else:
            if prev.state is ENDED:
                self.fail(call, 'a snapshot after the call ended')
            if call.seq != prev.seq + 1:
                self.fail(call, f'seq {prev.seq} -> {call.seq}')
            for name in FIXED_FIELDS:
                if getattr(call, name) != getattr(prev, name):
                    self.fail(call, f'{name} changed')
            if prev.answered_at is not None and call.answered_at != prev.answered_at:
                self.fail(call, 'answered_at changed')
            if prev.callee_tab is not None and call.callee_tab != prev.callee_tab:
                self.fail(call, 'callee_tab changed')
        if call.state not in NEXT_STATES[prev_state]:
            self.fail(call, f'illegal edge {prev_state} -> {call.state}')
        if call.caller == call.callee:
            self.fail(call, 'a call to oneself')
        if call.state is CONNECTING and (call.answered_at != self.clock.time() or call.reconnecting):
            self.fail(call, 'connecting snapshot')
        if call.state is ENDED:
            self.check_end(call, prev)
        if call.reconnecting and not (prev and prev.reconnecting):
            self.reconnecting_since[call.id] = self.clock.time()
        seen.append(call)

    def check_end(self, call: Call, prev: Call | None) -> None:
        prev_state = prev.state if prev else None
        if call.end_reason not in END_REASONS_FROM[prev_state]:
            self.fail(call, f'end reason {call.end_reason} from {prev_state}')
        if call.reconnecting:
            self.fail(call, 'ended while reconnecting')
        if prev is None:
            if call.ended_at != call.created_at or call.ended_by is not None:
                self.fail(call, 'ended at once')
            return
        if call.ended_at != self.clock.time():
            self.fail(call, 'ended_at is not now')
        by_server = call.ended_by is None
        if not by_server and call.ended_by not in (call.caller, call.callee):
            self.fail(call, 'ended by an outsider')
        if (call.end_reason in (EndReason.NO_ANSWER, EndReason.ERROR)) != by_server and \
                call.end_reason not in (EndReason.CONNECT_FAILED, EndReason.CONNECTION_LOST):
            self.fail(call, 'ended_by does not match the reason')
        if by_server and call.end_reason is EndReason.NO_ANSWER and abs(call.ended_at - prev.ring_deadline) > 1e-6:
            self.fail(call, 'ring timeout not at the deadline')
        if by_server and call.end_reason is EndReason.CONNECT_FAILED and \
                abs(call.ended_at - (prev.answered_at + CONNECT)) > 1e-6:
            self.fail(call, 'connect timeout not 20 s after the answer')
        if by_server and call.end_reason is EndReason.CONNECTION_LOST and \
                abs(call.ended_at - (self.reconnecting_since.get(call.id, -1e9) + GRACE)) > 1e-6:
            self.fail(call, 'grace timeout not 30 s after the media was lost')
        if by_server and call.end_reason in (EndReason.CONNECT_FAILED, EndReason.CONNECTION_LOST) and \
                not (prev.state is CONNECTING or prev.reconnecting):
            self.fail(call, 'server ended a call without a running timer')

    def on_ended(self, call: Call) -> None:
        self.ended_count += 1
        self.ended[call.id].append(call)
        self.ended_in_order.append(call)
        if call.state is not ENDED or self.snapshots.get(call.id, [None])[-1] != call:
            self.fail(call, '`ended` without the same ended snapshot on `changed` first')


def check_invariants(calls: CallRegistry, obs: Observer, clock: ManualClock, *, every_call: bool = False) -> None:
    """After a step; an ended call is looked up in the registry once, and once more at the end (`every_call`)."""
    assert obs.errors == []
    live = calls.live_calls()
    live_ids = {call.id for call in live}
    assert len(live_ids) == len(live)
    expected_map: dict[str, str] = {}
    for call in live:
        assert call.live and call.state in (RINGING, CONNECTING, ACTIVE)
        expected_map[call.caller] = call.id
        expected_map[call.callee] = call.id
        assert obs.snapshots[call.id][-1] == call == calls.get(call.id)  # the registry holds the last snapshot
        now = clock.time()
        if call.state is RINGING:  # a due timer would have fired
            assert call.ring_deadline > now and not call.reconnecting and call.answered_at is None
        elif call.state is CONNECTING:
            assert call.answered_at + CONNECT > now
        elif call.reconnecting:
            assert obs.reconnecting_since[call.id] + GRACE > now
    assert len(expected_map) == 2 * len(live)  # nobody is a party of two live calls
    assert calls._live_by_user == expected_map
    for name in NAMES:
        assert calls.is_busy(name) == (name in expected_map)
        mine = calls.live_call_of(name)
        assert (mine.id if mine else None) == expected_map.get(name)
    for call_id, seen in obs.snapshots.items():
        last = seen[-1]
        if last.state is ENDED:
            assert obs.ended[call_id] == [last]
            assert call_id not in live_ids
            if every_call or call_id not in obs.gone:
                assert calls.get(call_id) is None
                obs.gone.add(call_id)
        else:
            assert call_id in live_ids and obs.ended[call_id] == []
    assert live_ids <= obs.snapshots.keys()


def expected_invite(calls: CallRegistry, tabs: dict[str, set[str]], caller: str, typed: str):
    """What an invite must do, from the design: ('refused',), ('glare', id) or ('new', state, reason)."""
    callee = {name.lower(): name for name in NAMES}.get(typed.lower())
    if callee is None or callee == caller:
        return ('refused',)
    mine = calls.live_call_of(caller)
    if mine is not None:
        return ('glare', mine.id) if mine.state is RINGING and mine.caller == callee else ('refused',)
    if not tabs[callee]:
        return ('new', ENDED, EndReason.OFFLINE)
    if calls.is_busy(callee):
        return ('new', ENDED, EndReason.BUSY)
    return ('new', RINGING, None)


def expected_action(action: str, pre: Call | None, user: str):
    """What a call action must do, from the design: 'refused', 'same' (no change) or (state, reason, reconnecting)."""
    if pre is None:
        return 'refused'
    party = user in (pre.caller, pre.callee)
    state = pre.state
    if action == 'accept':
        return (CONNECTING, None, False) if user == pre.callee and state is RINGING else 'refused'
    if action == 'decline':
        return (ENDED, EndReason.DECLINED, False) if user == pre.callee and state is RINGING else 'refused'
    if action == 'cancel':
        return (ENDED, EndReason.CANCELLED, False) if user == pre.caller and state is RINGING else 'refused'
    if action == 'media_failed':  # even while ringing: the caller's camera starts then
        return (ENDED, EndReason.MEDIA_FAILED, False) if party else 'refused'
    if not party or state is RINGING:
        return 'refused'
    if action == 'hang_up':
        return (ENDED, EndReason.COMPLETED, False)
    if action == 'connect_failed':
        return (ENDED, EndReason.CONNECT_FAILED, False)
    if action == 'media_connected':
        return 'same' if state is ACTIVE and not pre.reconnecting else (ACTIVE, None, False)
    if action == 'media_lost':
        if state is CONNECTING:
            return 'refused'
        return 'same' if pre.reconnecting else (ACTIVE, None, True)
    raise AssertionError(action)


def run_random(seed: int, tmp_path: Path, store: CallStore) -> None:
    rng = random.Random(seed)
    sessions = create_database(f'sqlite:///{tmp_path}/random-{seed}.db')
    # Hundreds of one-row commits: skip the fsync per commit (a test-only speed-up; still a real SQLite file).
    engine = sessions.kw['bind']
    event.listen(engine, 'connect', lambda connection, _record: connection.execute('PRAGMA synchronous=OFF'))
    engine.dispose()
    accounts = Accounts(sessions, bcrypt_rounds=4)
    for name in NAMES:
        accounts.register(name, 'password1')
    directory = Directory(accounts.all())
    history = CallHistory(sessions)

    clock = ManualClock()
    tab_numbers = iter(range(1, 1_000_000))
    tabs = {name: {f'{name}-{next(tab_numbers)}' for _ in range(rng.randint(0, 3))} for name in NAMES}
    calls = CallRegistry(resolve_user=directory.registered_name, is_online=lambda user: bool(tabs[user]),
                         ring_timeout=RING, connect_timeout=CONNECT, reconnect_grace=GRACE, clock=clock, store=store)
    calls.watch_timers()
    obs = Observer(clock)
    calls.changed.connect(obs.on_changed)
    calls.ended.connect(obs.on_ended)
    calls.ended.connect(history.record)

    all_ids: list[str] = []
    channels: set[str] = set()
    outcomes: Counter[str] = Counter()
    operations = ['invite'] * 18 + ['accept'] * 14 + ['decline'] * 4 + ['cancel'] * 4 + ['hang_up'] * 5 + \
                 ['media_connected'] * 10 + ['media_lost'] * 7 + ['media_failed'] * 2 + ['connect_failed'] * 2 + \
                 ['tab_open'] * 6 + ['tab_gone'] * 8 + ['advance'] * 16

    def random_case(name: str) -> str:
        return ''.join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in name)

    for _ in range(STEPS):
        op = rng.choice(operations)
        changed_before, ended_before = obs.changed_count, obs.ended_count

        if op == 'invite':
            caller = rng.choice(NAMES)
            typed = random_case(rng.choice(NAMES)) if rng.random() < 0.95 else 'nobody'
            tab = rng.choice(sorted(tabs[caller])) if tabs[caller] and rng.random() < 0.9 else None
            expected = expected_invite(calls, tabs, caller, typed)
            try:
                result = calls.invite(caller, typed, tab)
            except CallRefused:
                result = None
            if expected[0] == 'refused':
                assert result is None
                assert (obs.changed_count, obs.ended_count) == (changed_before, ended_before)
            elif expected[0] == 'glare':
                assert result is not None and result.id == expected[1]
                assert result.state is CONNECTING and result.callee == caller and result.callee_tab == tab
                assert (obs.changed_count, obs.ended_count) == (changed_before + 1, ended_before)
            else:
                _, state, reason = expected
                assert result is not None and result.id not in all_ids and len(obs.snapshots[result.id]) == 1
                assert (result.state, result.end_reason, result.caller) == (state, reason, caller)
                assert result.callee.lower() == typed.lower() and result.caller_tab == tab
                assert re.fullmatch(r'[0-9a-f]{32}', result.channel) and result.channel not in channels
                channels.add(result.channel)
                assert obs.changed_count == changed_before + 1
                assert obs.ended_count == ended_before + (state is ENDED)
                all_ids.append(result.id)
            outcomes[f'invite:{expected[0]}:{expected[-1] if expected[0] == "new" else ""}'] += 1

        elif op in ('tab_open', 'tab_gone'):
            user = rng.choice(NAMES)
            if op == 'tab_open':
                tabs[user].add(f'{user}-{next(tab_numbers)}')
            elif tabs[user]:
                tab = rng.choice(sorted(tabs[user]))
                tabs[user].discard(tab)
                mine = calls.live_call_of(user)
                if mine is None:
                    expected = None
                elif mine.state is RINGING:
                    expected = None if tabs[user] else EndReason.CANCELLED if user == mine.caller else EndReason.OFFLINE
                else:
                    expected = EndReason.CONNECTION_LOST if mine.tab_of(user) == tab else None
                result = calls.tab_gone(user, tab, tabs_left=len(tabs[user]))
                if expected is None:
                    assert result is None
                    assert (obs.changed_count, obs.ended_count) == (changed_before, ended_before)
                else:
                    assert result.id == mine.id and result.end_reason is expected and result.ended_by == user
                    assert (obs.changed_count, obs.ended_count) == (changed_before + 1, ended_before + 1)
                outcomes[f'tab_gone:{expected}'] += 1

        elif op == 'advance':
            clock.advance(rng.choice([0.0, 0.01, 0.5, 1.0, 5.0, 10.0, 19.99, 20.0, 29.99, 30.0, 44.99, 45.0])
                          if rng.random() < 0.3 else rng.uniform(0, 3) if rng.random() < 0.8 else rng.uniform(0, 60))
            # timers only end calls, each at its deadline (checked by the observer), never by a person
            assert obs.changed_count - changed_before == obs.ended_count - ended_before
            for call in obs.ended_in_order[ended_before:]:
                assert call.ended_by is None
                assert call.end_reason in (EndReason.NO_ANSWER, EndReason.CONNECT_FAILED, EndReason.CONNECTION_LOST)
            outcomes['advance'] += 1

        else:
            live_now = calls.live_calls()
            pick = rng.random()
            if live_now and pick < 0.75:
                call_id = rng.choice(live_now).id
            elif all_ids and pick < 0.97:
                call_id = rng.choice(all_ids[-8:])  # often one that just ended
            else:
                call_id = str(uuid.uuid4())
            pre = calls.get(call_id)
            known = obs.snapshots.get(call_id)
            parties = (known[-1].caller, known[-1].callee) if known else NAMES
            if known and op in ('accept', 'decline', 'cancel') and rng.random() < 0.7:
                user = known[-1].caller if op == 'cancel' else known[-1].callee  # the one who may do it
            else:
                user = rng.choice(parties) if rng.random() < 0.85 else rng.choice(NAMES)
            tab = rng.choice(sorted(tabs[user])) if tabs[user] and rng.random() < 0.9 else f'{user}-gone'
            expected = expected_action(op, pre, user)
            method = getattr(calls, op)
            args = (tab,) if op == 'accept' else ('boom',) if op in ('media_failed', 'connect_failed') else ()
            try:
                result = method(call_id, user, *args)
            except CallRefused:
                result = None
            if expected == 'refused':
                assert result is None, (op, pre, user)
                assert (obs.changed_count, obs.ended_count) == (changed_before, ended_before)
            elif expected == 'same':
                assert result == pre
                assert (obs.changed_count, obs.ended_count) == (changed_before, ended_before)
            else:
                state, reason, reconnecting = expected
                assert result is not None, (op, pre, user)
                assert (result.state, result.end_reason, result.reconnecting) == (state, reason, reconnecting)
                assert result.seq == pre.seq + 1 and obs.snapshots[call_id][-1] == result
                if state is ENDED:
                    assert result.ended_by == user
                if op == 'accept':
                    assert result.callee_tab == tab
                assert obs.changed_count == changed_before + 1
                assert obs.ended_count == ended_before + (state is ENDED)
            outcomes[f'{op}:{expected if isinstance(expected, str) else "ok"}'] += 1

        check_invariants(calls, obs, clock)

    live_at_the_end = {call.id for call in calls.live_calls()}
    calls.shutdown()
    check_invariants(calls, obs, clock, every_call=True)
    assert {call_id for call_id, ended in obs.ended.items() if ended[0].end_reason is EndReason.ERROR} == \
        live_at_the_end
    assert calls.live_calls() == [] and calls._live_by_user == {}
    assert all(len(obs.ended[call_id]) == 1 for call_id in obs.snapshots)
    assert set(obs.ended) == set(obs.snapshots) == set(all_ids)

    # the random walk really covered the interesting paths
    for needed in ('invite:new:None', 'invite:new:offline', 'invite:new:busy', 'invite:glare', 'invite:refused',
                   'accept:ok', 'accept:refused', 'media_lost:ok', 'media_lost:same', 'media_connected:same',
                   'hang_up:ok', 'tab_gone:connection_lost'):
        assert any(key.startswith(needed) for key in outcomes), (needed, outcomes)
    reasons = Counter(calls_[0].end_reason for calls_ in obs.ended.values())
    assert set(EndReason) - {EndReason.ERROR} <= reasons.keys()

    # the history: one row per call, both parties see it, results and directions match
    final = {call_id: ended[0] for call_id, ended in obs.ended.items()}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CallRecord)) == len(final)
    for call in list(final.values())[:20]:  # a repeated report keeps one row
        history.record(call)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CallRecord)) == len(final)
    for name in NAMES:
        mine = {call_id: call for call_id, call in final.items() if name in (call.caller, call.callee)}
        entries = history.entries(name, limit=100_000)
        assert len(entries) == len(mine)
        assert {entry.call_id for entry in entries} == mine.keys()
        for entry in entries:
            call = mine[entry.call_id]
            assert entry.outgoing == (call.caller == name)
            assert entry.peer == call.peer_of(name)
            assert entry.result is call.end_reason and entry.ended_by == call.ended_by
            assert entry.duration == pytest.approx(call.duration, abs=1e-3)
        starts = [entry.started_at for entry in entries]
        assert starts == sorted(starts, reverse=True)
        missed = sum(call.callee == name and call.end_reason in MISSED_REASONS for call in mine.values())
        assert history.missed_count(name) == missed
    dispose(sessions)


@pytest.mark.parametrize('seed', range(6))
def test_random_interleavings_keep_the_invariants(seed: int, tmp_path: Path,
                                                 new_call_store: Callable[[], CallStore]) -> None:
    run_random(seed, tmp_path, new_call_store())
