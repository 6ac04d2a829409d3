"""Two call registries sharing one real Redis, as two ringboard processes do: races between them resolve to one
outcome, and a call's deadlines fire on whichever process is there to fire them."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from backend.call_history import CallHistory
from backend.call_registry import (
    ACTIVE,
    CONNECTING,
    ENDED,
    RINGING,
    Action,
    Call,
    CallRefused,
    CallRegistry,
    EndReason,
)
from backend.call_store import Deadline
from backend.database import create_database, dispose
from backend.redis_call_store import RedisCallStore

from .manual_clock import ManualClock
from .redis_server import RedisServer

RING, CONNECT, GRACE, POLL = 45.0, 20.0, 30.0, 1.0


class InterleavedStore(RedisCallStore):
    """A Redis store that runs `meanwhile` once just before its next write: another process's transition landing
    between this process's read of a call and its write."""
    meanwhile: Callable[[], object] | None = None

    def commit(self, call: Call, read_seq: int | None, deadline: Deadline | None) -> bool:
        if self.meanwhile is not None:
            other, self.meanwhile = self.meanwhile, None
            other()
        return super().commit(call, read_seq, deadline)


@dataclass
class Process:
    """One registry with its own clock (a dead process's clock stops with it) and every snapshot it emitted."""
    calls: CallRegistry
    clock: ManualClock
    store: InterleavedStore
    changed: list[Call] = field(default_factory=list)
    ended: list[Call] = field(default_factory=list)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


@pytest.fixture
def processes(redis_server: RedisServer) -> Iterator[tuple[Process, Process]]:
    prefix = f'test-{uuid.uuid4().hex}:'
    pair = []
    for _ in range(2):
        clock, store = ManualClock(), InterleavedStore(redis_server.url, prefix=prefix)
        calls = CallRegistry(resolve_user=lambda name: name, is_online=lambda _: True, ring_timeout=RING,
                             connect_timeout=CONNECT, reconnect_grace=GRACE, clock=clock, store=store,
                             timer_poll=POLL)
        calls.watch_timers()
        process = Process(calls, clock, store)
        calls.changed.connect(process.changed.append)
        calls.ended.connect(process.ended.append)
        pair.append(process)
    yield pair[0], pair[1]
    for process in pair:
        process.store.close()


def assert_nobody_busy(process: Process) -> None:
    assert process.calls.live_calls() == [] and process.calls._live_by_user == {}


def test_a_call_made_on_one_process_is_seen_and_answered_on_the_other(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    assert b.calls.get(call.id) == call and b.calls.live_call_of('bob') == call and b.calls.is_busy('alice')
    accepted = b.calls.accept(call.id, 'bob', 'bob-1')
    assert a.calls.get(call.id) == accepted and accepted.state is CONNECTING and accepted.seq == call.seq + 1
    assert a.calls.hang_up(call.id, 'alice').end_reason is EndReason.COMPLETED
    assert_nobody_busy(b)


def test_accept_losing_to_a_cancel_on_the_other_process_is_refused(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    b.store.meanwhile = lambda: a.calls.cancel(call.id, 'alice')
    with pytest.raises(CallRefused, match=r'^That call has already ended\.$'):
        b.calls.accept(call.id, 'bob', 'bob-1')
    assert b.changed == [] and [c.end_reason for c in a.ended] == [EndReason.CANCELLED]
    assert_nobody_busy(b)


def test_cancel_losing_to_an_accept_on_the_other_process_is_refused(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    a.store.meanwhile = lambda: b.calls.accept(call.id, 'bob', 'bob-1')
    with pytest.raises(CallRefused, match=r'^The call was already answered\.$'):
        a.calls.cancel(call.id, 'alice')
    assert a.calls.get(call.id).state is CONNECTING and [c.state for c in a.changed] == [RINGING]


def test_two_processes_accepting_first_wins(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    b.store.meanwhile = lambda: a.calls.accept(call.id, 'bob', 'bob-on-a')
    with pytest.raises(CallRefused, match=r'^The call was already answered\.$'):
        b.calls.accept(call.id, 'bob', 'bob-on-b')
    stored = b.calls.get(call.id)
    assert stored.callee_tab == 'bob-on-a' and stored.seq == call.seq + 1 and b.changed == []


def test_glare_across_processes_is_one_call(processes) -> None:
    a, b = processes
    first: list[Call] = []
    b.store.meanwhile = lambda: first.append(a.calls.invite('alice', 'bob', 'alice-1'))
    answered = b.calls.invite('bob', 'alice', 'bob-1')  # b found nobody busy, but alice's call was written first
    assert answered.id == first[0].id and answered.state is CONNECTING and answered.callee_tab == 'bob-1'
    assert [call.id for call in a.calls.live_calls()] == [answered.id]
    assert a.calls._live_by_user == {'alice': answered.id, 'bob': answered.id}


def test_glare_landing_between_an_invites_two_reads_is_one_call(processes) -> None:
    a, b = processes
    first: list[Call] = []
    read = b.store.live_call_of

    def live_call_of(user: str) -> Call | None:
        if user == 'alice' and not first:  # b found bob in no call; alice's call to bob lands before b looks at her
            first.append(a.calls.invite('alice', 'bob', 'alice-1'))
        return read(user)
    b.store.live_call_of = live_call_of
    answered = b.calls.invite('bob', 'alice', 'bob-1')
    assert answered.id == first[0].id and answered.state is CONNECTING and answered.callee_tab == 'bob-1'
    assert b.ended == [] and [call.id for call in a.calls.live_calls()] == [answered.id]


def test_an_invite_losing_the_callee_to_another_process_ends_as_busy(processes) -> None:
    a, b = processes
    b.store.meanwhile = lambda: a.calls.invite('carol', 'bob', 'carol-1')
    busy = b.calls.invite('alice', 'bob', 'alice-1')
    assert busy.state is ENDED and busy.end_reason is EndReason.BUSY
    assert b.calls.live_call_of('bob').caller == 'carol' and not b.calls.is_busy('alice')


@pytest.mark.parametrize('setup, seconds, reason', [
    ('ringing', RING, EndReason.NO_ANSWER),
    ('connecting', CONNECT, EndReason.CONNECT_FAILED),
    ('reconnecting', GRACE, EndReason.CONNECTION_LOST),
])
def test_a_deadline_fires_on_the_other_process_and_once(processes, setup: str, seconds: float,
                                                          reason: EndReason) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    if setup != 'ringing':
        a.calls.accept(call.id, 'bob', 'bob-1')
    if setup == 'reconnecting':
        a.calls.media_connected(call.id, 'alice')
        a.calls.media_lost(call.id, 'bob')
    b.advance(seconds - 0.01)
    assert b.calls.get(call.id).state is not ENDED
    b.advance(POLL)  # b's next look at the deadlines, a's timer never ran
    assert [c.end_reason for c in b.ended] == [reason] and b.changed == b.ended
    a.advance(seconds + POLL)  # a's own timer and poll come too late: nothing more happens
    assert a.ended == [] and a.changed[-1].state is not ENDED
    assert_nobody_busy(a)


def test_a_process_thrown_away_mid_ring_still_has_its_rings_time_out(processes) -> None:
    a, b = processes
    calls = [a.calls.invite('alice', 'bob', 'alice-1'), a.calls.invite('carol', 'dave', 'carol-1')]
    # a dies here: its clock never moves again
    b.advance(RING - 1)
    assert {call.state for call in b.calls.live_calls()} == {RINGING}
    b.advance(1 + POLL)
    assert {(c.id, c.end_reason) for c in b.ended} == {(call.id, EndReason.NO_ANSWER) for call in calls}
    assert_nobody_busy(b)


def test_the_poll_goes_on_after_the_store_failed_once(processes, monkeypatch) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')

    def redis_away(now: float) -> list[Deadline]:
        raise ConnectionError('Redis away')

    monkeypatch.setattr(b.store, 'due_deadlines', redis_away)
    with pytest.raises(ConnectionError):
        b.advance(POLL)
    monkeypatch.undo()
    b.advance(RING)
    assert [(c.id, c.end_reason) for c in b.ended] == [(call.id, EndReason.NO_ANSWER)]


def test_a_deadline_of_an_older_snapshot_is_void(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    a.calls.accept(call.id, 'bob', 'bob-1')
    a.calls.media_connected(call.id, 'alice')
    a.calls.media_lost(call.id, 'bob')  # a's grace timer runs until GRACE
    for process in (a, b):
        process.advance(10)
    b.calls.media_connected(call.id, 'bob')  # back (on b), and lost again: the grace now ends at 10 + GRACE
    b.calls.media_lost(call.id, 'alice')
    due = b.clock.time() + GRACE
    a.advance(GRACE - 10 + POLL)  # a's old timer fires, and a polls: neither ends the call before its time
    assert a.calls.get(call.id).state is ACTIVE and a.ended == []
    a.advance(10)
    assert [c.end_reason for c in a.ended] == [EndReason.CONNECTION_LOST]
    assert due <= a.ended[0].ended_at <= due + POLL


def test_the_app_fires_a_ring_deadline_a_dead_process_left_in_redis(start_app, redis_server: RedisServer) -> None:
    """The real server (`python main.py` with REDIS_URL) polls the deadlines: a call rung by a process that died
    ends as no answer there, and lands in the history."""
    app = start_app(REDIS_URL=redis_server.url, DEMO_USERS='alice,bob')
    store = RedisCallStore(redis_server.url)  # the app's own keys
    now = time.time()
    call = Call(id=str(uuid.uuid4()), caller='alice', callee='bob', channel='0' * 32, state=RINGING,
                created_at=now - RING, ring_deadline=now - 1, caller_tab='a-dead-tab')
    assert store.commit(call, None, Deadline(call.id, call.seq, Action.RING_TIMEOUT, call.ring_deadline))
    give_up = time.monotonic() + 15
    while store.get(call.id) is not None and time.monotonic() < give_up:
        time.sleep(0.1)
    assert store.get(call.id) is None and store.live_by_user == {}
    store.close()
    sessions = create_database(f'sqlite:///{app.data_dir / "ringboard.db"}')
    try:
        [entry] = CallHistory(sessions).entries('alice')
        assert entry.call_id == call.id and entry.result is EndReason.NO_ANSWER and entry.peer == 'bob'
    finally:
        dispose(sessions)
    assert app.process.poll() is None


def test_shutdown_of_one_process_ends_only_the_calls_of_its_tabs(processes) -> None:
    a, b = processes
    on_a = a.calls.invite('alice', 'bob', 'alice-on-a')
    on_b = b.calls.invite('carol', 'dave', 'carol-on-b')
    b.calls.accept(on_b.id, 'dave', 'dave-on-b')
    a.calls.shutdown(tabs={'alice-on-a'})
    assert [(call.id, call.end_reason) for call in a.ended] == [(on_a.id, EndReason.ERROR)]
    assert [call.id for call in b.calls.live_calls()] == [on_b.id] and b.calls.get(on_b.id).state is CONNECTING


def test_the_store_lost_ends_a_call_here_and_in_the_store_once_it_answers(processes) -> None:
    a, b = processes
    call = a.calls.invite('alice', 'bob', 'alice-1')
    accepted = b.calls.accept(call.id, 'bob', 'bob-1')
    ended = a.calls.end_unstored(accepted, 'the server lost its connection to Redis')  # nothing written
    assert ended.state is ENDED and ended.end_reason is EndReason.ERROR and ended.seq == accepted.seq + 1
    assert a.ended == [ended] and b.calls.get(call.id) == accepted
    a.calls.end_for_server(call.id, 'the server lost its connection to Redis')  # Redis answers again
    a.calls.end_for_server(call.id, 'the server lost its connection to Redis')  # the other process too: no change
    assert [c.id for c in a.ended] == [call.id, call.id] and a.ended[1].end_reason is EndReason.ERROR
    assert_nobody_busy(b)
