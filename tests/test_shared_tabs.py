"""Every process's tabs through one real Redis: counted everywhere after a beat (whatever messages were missed),
a process that stops beating is buried by exactly one survivor (its tabs reported gone once, for their calls) and
forgotten by all, and one taken for dead that beats again is counted again."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from backend.presence import OFFLINE, ONLINE, Presence
from backend.redis_bus import RedisBus
from backend.shared_tabs import SharedTabs

from .redis_server import RedisServer


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Process:
    tabs: SharedTabs
    presence: Presence
    changed: list[str] = field(default_factory=list)
    died: list[list[tuple[str, str]]] = field(default_factory=list)


@pytest.fixture
def three(redis_server: RedisServer) -> Iterator[tuple[Process, Process, Process, Clock]]:
    """Three processes on one Redis prefix and one clock; their buses do not listen (so every message is missed,
    and only the beats carry the tabs)."""
    prefix, clock, made = f'test-{uuid.uuid4().hex}:', Clock(), []
    for number in range(3):
        bus = RedisBus(redis_server.url, prefix, process=f'p{number}')
        tabs = SharedTabs(redis_server.url, prefix, bus, clock=clock, heartbeat=2.0, process_ttl=8.0)
        process = Process(tabs, Presence(shared=tabs))
        tabs.changed.connect(process.changed.append)
        tabs.died.connect(process.died.append)
        made.append(process)
    for process in made:
        process.tabs.beat()
    yield made[0], made[1], made[2], clock
    for process in made:
        process.tabs.leave()


def test_a_tab_on_one_process_counts_on_the_others_after_a_beat(three) -> None:
    a, b, _, _ = three
    a.presence.tab_connected('alice', 'alice-1')
    assert b.presence.status('alice') == OFFLINE  # the message was missed: not yet
    b.tabs.beat()
    assert b.presence.status('alice') == ONLINE and b.presence.tabs('alice') == ('alice-1',) and b.changed == ['alice']
    b.presence.tab_connected('alice', 'alice-2')
    a.tabs.beat()
    assert a.presence.tabs('alice') == ('alice-1', 'alice-2')  # this process's first, then the others'
    a.presence.tab_gone('alice', 'alice-1')
    b.tabs.beat()
    assert b.presence.tabs('alice') == ('alice-2',) and b.presence.users_here() == ['alice']


def test_a_silent_process_is_buried_once_and_forgotten_everywhere(three) -> None:
    a, b, c, clock = three
    a.presence.tab_connected('alice', 'alice-1')
    a.presence.tab_connected('bob', 'bob-1')
    b.tabs.beat(), c.tabs.beat()
    assert b.presence.status('bob') == ONLINE and c.presence.status('alice') == ONLINE
    for _ in range(5):  # a stops beating (killed); the others go on
        clock.now += 2.0
        b.tabs.beat(), c.tabs.beat()
    assert sorted(b.died + c.died) == [[('alice', 'alice-1'), ('bob', 'bob-1')]]  # once, by one of them
    for process in (b, c):
        assert process.presence.status('alice') == process.presence.status('bob') == OFFLINE

    a.tabs.beat()  # it was only slow: it writes its tabs again, and counts again
    b.tabs.beat()
    assert b.presence.status('alice') == ONLINE


def test_a_clean_leave_is_seen_at_the_next_beat(three) -> None:
    a, b, _, _ = three
    a.presence.tab_connected('alice', 'alice-1')
    b.tabs.beat()
    a.tabs.leave()
    b.tabs.beat()
    assert b.presence.status('alice') == OFFLINE and b.died == []
