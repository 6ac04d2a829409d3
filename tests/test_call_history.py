"""The call history on a real SQLite file and on a real PostgreSQL server: one row per call, per-user views, missed
calls."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from backend.accounts import Accounts
from backend.call_history import CallHistory, HistoryEntry
from backend.call_registry import Call, CallKind, CallRegistry, EndReason
from backend.database import CallRecord, create_database, dispose
from backend.directory import Directory

from .manual_clock import ManualClock

NAMES = ('alice', 'bob', 'carol')


class Setup:
    def __init__(self, database_url: str, start: float) -> None:
        self.sessions = create_database(database_url)
        accounts = Accounts(self.sessions, bcrypt_rounds=4)
        for name in NAMES:
            accounts.register(name, 'password1')
        self.tabs = {name: {f'{name}-1'} for name in NAMES}
        self.clock = ManualClock(start)
        self.calls = CallRegistry(resolve_user=Directory(accounts.all()).registered_name,
                                  is_online=lambda user: bool(self.tabs[user]), clock=self.clock)
        self.history = CallHistory(self.sessions)
        self.calls.ended.connect(self.history.record)
        self.ended: list[Call] = []
        self.calls.ended.connect(self.ended.append)

    def rows(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(CallRecord))

    def completed(self, caller: str, callee: str, talk: float) -> Call:
        call = self.calls.invite(caller, callee)
        self.clock.advance(2)
        self.calls.accept(call.id, callee, f'{callee}-1')
        self.calls.media_connected(call.id, caller)
        self.clock.advance(talk)
        return self.calls.hang_up(call.id, callee)

    def missed(self, caller: str, callee: str, how: EndReason) -> Call:
        """A call `callee` missed, ended the way `how` says."""
        if how is EndReason.OFFLINE:
            self.tabs[callee].clear()
            call = self.calls.invite(caller, callee)
            self.tabs[callee].add(f'{callee}-1')
            return call
        if how is EndReason.BUSY:
            other = next(name for name in NAMES if name not in (caller, callee))
            ringing = self.calls.invite(other, callee)
            call = self.calls.invite(caller, callee)
            self.calls.cancel(ringing.id, other)  # that one is a missed call too, for the same callee
            return call
        call = self.calls.invite(caller, callee)
        self.clock.advance(1)
        if how is EndReason.CANCELLED:
            return self.calls.cancel(call.id, caller)
        self.clock.advance(self.calls.ring_timeout)
        assert self.ended[-1].id == call.id
        return self.ended[-1]

    def close(self) -> None:
        dispose(self.sessions)


@pytest.fixture
def h(database_url: str):
    setup = Setup(database_url, start=time.time() - 86_400)  # a day ago, so mark_seen (real time) comes later
    yield setup
    setup.close()


def test_record_and_entries_newest_first(h: Setup) -> None:
    first = h.completed('alice', 'bob', talk=42)
    h.clock.advance(60)
    second = h.calls.invite('bob', 'alice')
    h.clock.advance(3)
    h.calls.decline(second.id, 'alice')
    h.clock.advance(60)
    h.tabs['carol'].clear()
    third = h.calls.invite('alice', 'carol')
    assert h.rows() == 3

    entries = h.history.entries('alice')
    assert [entry.call_id for entry in entries] == [third.id, second.id, first.id]
    newest, middle, oldest = entries
    assert (newest.outgoing, newest.peer, newest.result, newest.ended_by, newest.duration) == \
        (True, 'carol', EndReason.OFFLINE, None, 0.0)
    assert (middle.outgoing, middle.peer, middle.result, middle.ended_by, middle.duration) == \
        (False, 'bob', EndReason.DECLINED, 'alice', 0.0)
    assert (oldest.outgoing, oldest.peer, oldest.result, oldest.ended_by) == (True, 'bob', EndReason.COMPLETED, 'bob')
    assert oldest.duration == pytest.approx(42, abs=1e-3)
    assert oldest.started_at == datetime.fromtimestamp(first.created_at, UTC)
    assert oldest.started_at.tzinfo is not None
    assert not any(entry.missed for entry in entries)

    bobs = h.history.entries('bob')
    assert [(entry.call_id, entry.outgoing, entry.peer) for entry in bobs] == \
        [(second.id, True, 'alice'), (first.id, False, 'alice')]
    assert [entry.call_id for entry in h.history.entries('carol')] == [third.id]
    assert h.history.entries('carol')[0].missed


def test_entries_limit_keeps_the_newest(h: Setup) -> None:
    ids = []
    for _ in range(5):
        ids.append(h.missed('alice', 'bob', EndReason.CANCELLED).id)
        h.clock.advance(10)
    assert [entry.call_id for entry in h.history.entries('bob', limit=2)] == ids[:-3:-1]
    assert len(h.history.entries('bob')) == 5


def test_recording_the_same_call_twice_keeps_one_row(h: Setup) -> None:
    call = h.completed('alice', 'bob', talk=10)
    assert h.rows() == 1
    assert h.history.record(call) is False
    assert h.history.record(replace(call, end_reason=EndReason.ERROR, ended_by=None)) is False  # a late report
    assert h.rows() == 1
    [entry] = h.history.entries('alice')
    assert entry.result is EndReason.COMPLETED and entry.ended_by == 'bob'
    # and the history still takes new calls afterwards
    h.completed('bob', 'alice', talk=1)
    assert h.rows() == 2


def test_every_ended_call_lands_once_for_both_parties(h: Setup) -> None:
    h.completed('alice', 'bob', talk=5)
    for how in (EndReason.CANCELLED, EndReason.NO_ANSWER, EndReason.OFFLINE, EndReason.BUSY):
        h.missed('carol', 'alice', how)
    h.clock.advance(5)
    h.calls.invite('bob', 'carol')
    h.calls.shutdown()
    assert h.rows() == 7  # the busy case adds the call that made alice busy
    for name in NAMES:
        ids = [entry.call_id for entry in h.history.entries(name)]
        assert len(ids) == len(set(ids))
    assert len(h.history.entries('alice')) == 6
    assert h.history.entries('bob')[0].result is EndReason.ERROR


@pytest.mark.parametrize('how', [EndReason.CANCELLED, EndReason.NO_ANSWER, EndReason.BUSY, EndReason.OFFLINE])
def test_missed_reasons_count_for_the_callee_only(h: Setup, how: EndReason) -> None:
    call = h.missed('alice', 'bob', how)
    assert call.end_reason is how
    assert h.history.missed_count('bob') == (2 if how is EndReason.BUSY else 1)
    assert h.history.missed_count('alice') == 0
    assert [entry.missed for entry in h.history.entries('alice') if entry.call_id == call.id] == [False]
    assert [entry.missed for entry in h.history.entries('bob') if entry.call_id == call.id] == [True]


def test_answered_and_declined_calls_are_not_missed(h: Setup) -> None:
    h.completed('alice', 'bob', talk=3)
    declined = h.calls.invite('alice', 'bob')
    h.calls.decline(declined.id, 'bob')
    failed = h.calls.invite('alice', 'bob')
    h.calls.accept(failed.id, 'bob', 'bob-1')
    h.clock.advance(h.calls.connect_timeout)  # connect_failed
    assert h.rows() == 3
    assert h.history.missed_count('bob') == 0 and h.history.missed_count('alice') == 0


def test_mark_seen_resets_the_missed_count(h: Setup) -> None:
    h.missed('alice', 'bob', EndReason.NO_ANSWER)
    h.missed('carol', 'bob', EndReason.CANCELLED)
    h.missed('alice', 'carol', EndReason.OFFLINE)
    assert h.history.missed_count('bob') == 2
    h.history.mark_seen('bob')
    assert h.history.missed_count('bob') == 0
    assert h.history.missed_count('carol') == 1  # only bob's count was reset
    h.clock.advance(time.time() + 3600 - h.clock.time())  # calls from now on come after the mark
    h.missed('alice', 'bob', EndReason.CANCELLED)
    assert h.history.missed_count('bob') == 1
    assert len(h.history.entries('bob')) == 3  # seen calls stay in the history


def test_a_call_missed_after_mark_seen_counts_even_if_it_started_ringing_before(h: Setup) -> None:
    h.clock.advance(time.time() - 10 - h.clock.time())  # the call starts ringing 10 s ago...
    call = h.calls.invite('alice', 'bob')
    h.history.mark_seen('bob')  # ...bob looks at the history while it rings...
    h.clock.advance(h.calls.ring_timeout)  # ...and misses it 35 s from now
    assert h.history.entries('bob')[0].call_id == call.id
    assert h.history.missed_count('bob') == 1


def test_no_calls_no_entries(h: Setup) -> None:
    h.completed('alice', 'bob', talk=1)
    assert h.history.entries('carol') == []
    assert h.history.missed_count('carol') == 0
    assert h.history.entries('nobody') == []
    assert h.history.missed_count('nobody') == 0
    h.history.mark_seen('nobody')  # harmless


def test_history_survives_a_new_session_factory(database_url: str) -> None:
    setup = Setup(database_url, start=time.time() - 100)
    call = setup.completed('alice', 'bob', talk=7)
    setup.close()
    reopened = CallHistory(create_database(database_url))
    [entry] = reopened.entries('bob')
    assert (entry.call_id, entry.outgoing, entry.peer, entry.result) == (call.id, False, 'alice', EndReason.COMPLETED)
    assert entry.duration == pytest.approx(7, abs=1e-3)


@pytest.mark.parametrize('how', [None, EndReason.CANCELLED, EndReason.OFFLINE, EndReason.BUSY])
def test_the_live_entry_of_an_ended_call_equals_what_the_database_reads_back(h: Setup, how: EndReason | None) -> None:
    """Open dashboards add the ended call from memory (`HistoryEntry.of`), without reading the database."""
    call = h.completed('alice', 'bob', talk=7.25) if how is None else h.missed('alice', 'bob', how)
    for user in ('alice', 'bob'):
        stored = next(entry for entry in h.history.entries(user) if entry.call_id == call.id)
        assert HistoryEntry.of(call, user) == stored


def test_the_kind_of_a_call_is_kept_for_both_parties(h: Setup) -> None:
    video = h.completed('alice', 'bob', talk=3)
    voice = h.calls.invite('bob', 'alice', kind=CallKind.VOICE)
    h.calls.decline(voice.id, 'alice')
    for user in ('alice', 'bob'):
        kinds = {entry.call_id: entry.kind for entry in h.history.entries(user)}
        assert kinds == {video.id: CallKind.VIDEO, voice.id: CallKind.VOICE}
        assert HistoryEntry.of(h.ended[-1], user).kind is CallKind.VOICE
