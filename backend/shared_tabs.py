"""Every process's open tabs, shared through Redis, so presence and the calls' rules count a person's tabs on every
process; and what became of the tabs of a process that died.

Each process keeps its own tabs (tab id -> username) in a hash `tabs:<process>`, bumps its revision in
`tab_revs` on every change, publishes the change on the bus at once (other dashboards update within a second) and
heartbeats its entry in the sorted set `processes` (scored by the time of its last beat) every HEARTBEAT seconds.
Each beat also reads the other processes' revisions and re-reads the hash of any that changed, so a missed
message is made good within a beat. A process silent for PROCESS_TTL seconds is dead: the first process to remove
it from `processes` reads its tabs, deletes them and reports them gone (`died`), once; every other process just
forgets them. Its users are thus offline everywhere, and its tabs' calls ended, within PROCESS_TTL + HEARTBEAT.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import redis

from .redis_bus import RedisBus
from .redis_client import connect
from .signal import Signal

log = logging.getLogger(__name__)

HEARTBEAT = 2.0  # seconds between a process's beats
PROCESS_TTL = 8.0  # seconds without a beat after which a process counts as dead


class SharedTabs:
    def __init__(self, url: str, prefix: str, bus: RedisBus, clock: Callable[[], float] = time.time,
                 heartbeat: float = HEARTBEAT, process_ttl: float = PROCESS_TTL, socket_timeout: float = 1.0) -> None:
        self.process = bus.process
        self._redis = connect(url, socket_timeout)
        self._prefix = prefix
        self._bus = bus
        self._clock = clock  # the processes' clocks must agree to within a few seconds (NTP)
        self.heartbeat = heartbeat
        self.process_ttl = process_ttl
        self._mine: dict[str, str] = {}  # this process's tabs: tab -> user
        self._theirs: dict[str, dict[str, str]] = {}  # another process -> its tabs
        self._elsewhere: dict[str, dict[str, None]] = {}  # user -> their tabs on other processes (tab ids are unique)
        self._revs: dict[str, str] = {}  # the revision of each other process's tabs last read
        self._stale = False  # a write failed (Redis away): the next beat writes every tab of this process again
        self.changed: Signal[str] = Signal()  # a user whose tabs on other processes changed
        self.died: Signal[list[tuple[str, str]]] = Signal()  # (user, tab) of each tab of a dead process
        bus.on('tab', self._heard)
        bus.on('tabs', lambda data: self._reload_now(data['process']))
        bus.back.connect(lambda _: self._mark_stale())

    def _key(self, *parts: str) -> str:
        return self._prefix + ':'.join(parts)

    # ---- this process's tabs ----
    def opened(self, user: str, tab: str) -> None:
        self._mine[tab] = user
        self._write(lambda pipe: pipe.hset(self._key('tabs', self.process), tab, user))
        self._bus.publish('tab', {'process': self.process, 'tab': tab, 'user': user, 'open': True})

    def gone(self, user: str, tab: str) -> None:
        self._mine.pop(tab, None)
        self._write(lambda pipe: pipe.hdel(self._key('tabs', self.process), tab))
        self._bus.publish('tab', {'process': self.process, 'tab': tab, 'user': user, 'open': False})

    def tabs_here(self) -> dict[str, str]:
        """This process's tabs: tab -> user."""
        return dict(self._mine)

    def tabs_elsewhere(self, user: str) -> tuple[str, ...]:
        """`user`'s tabs on the other live processes."""
        return tuple(self._elsewhere.get(user, ()))

    def _write(self, change: Callable[[redis.client.Pipeline], object]) -> None:
        try:
            pipe = self._redis.pipeline()
            change(pipe)
            pipe.hincrby(self._key('tab_revs'), self.process, 1)
            pipe.execute()
        except redis.RedisError:
            self._stale = True

    def _mark_stale(self) -> None:
        self._stale = True
        self.beat()

    # ---- the heartbeat ----
    async def run(self) -> None:
        """Beat every `heartbeat` seconds until cancelled (Redis being away only skips beats)."""
        while True:
            self.beat()
            await asyncio.sleep(self.heartbeat)

    def beat(self) -> None:
        now = self._clock()
        try:
            pipe = self._redis.pipeline()
            pipe.zadd(self._key('processes'), {self.process: now})
            pipe.zrange(self._key('processes'), 0, -1, withscores=True)
            pipe.hgetall(self._key('tab_revs'))
            added, processes, revs = pipe.execute()
            if added or self._stale:  # Redis forgot this process (restarted, or took it for dead), or missed writes
                self._write_all()
            alive = set()
            for process, seen in processes:
                if process == self.process:
                    continue
                if seen < now - self.process_ttl:
                    self._bury(process)
                    continue
                alive.add(process)
                if revs.get(process) != self._revs.get(process):
                    self._reload(process, revs.get(process))
            for process in set(self._theirs) - alive:  # buried by another process, or left
                self._forget(process)
        except redis.RedisError as error:
            log.debug('heartbeat skipped: %s', error)

    def _write_all(self) -> None:
        pipe = self._redis.pipeline()
        pipe.delete(self._key('tabs', self.process))
        if self._mine:
            pipe.hset(self._key('tabs', self.process), mapping=self._mine)
        pipe.hincrby(self._key('tab_revs'), self.process, 1)
        pipe.execute()
        self._stale = False
        self._bus.publish('tabs', {'process': self.process})  # e.g. Redis restarted empty: the others read them now

    def _reload(self, process: str, rev: str | None) -> None:
        tabs = self._redis.hgetall(self._key('tabs', process))
        self._revs[process] = rev
        self._replace(process, tabs)

    def _reload_now(self, process: str) -> None:
        try:
            self._reload(process, self._redis.hget(self._key('tab_revs'), process))
        except redis.RedisError:
            pass  # the next beat reads them

    def _bury(self, process: str) -> None:
        claimed = self._redis.zrem(self._key('processes'), process)
        tabs = {}
        if claimed:
            pipe = self._redis.pipeline()
            pipe.hgetall(self._key('tabs', process))
            pipe.delete(self._key('tabs', process))
            pipe.hdel(self._key('tab_revs'), process)
            tabs = pipe.execute()[0]
            log.warning('process %s stopped beating: its %d tabs are gone', process, len(tabs))
        self._forget(process)
        if tabs:
            self.died.emit([(user, tab) for tab, user in tabs.items()])

    def _forget(self, process: str) -> None:
        self._revs.pop(process, None)
        self._replace(process, {})

    def _replace(self, process: str, tabs: dict[str, str]) -> None:
        before = self._theirs.pop(process, {})
        if tabs:
            self._theirs[process] = tabs
        for tab, user in before.items():
            if tabs.get(tab) != user:
                self._index(user, tab, False)
        for tab, user in tabs.items():
            if before.get(tab) != user:
                self._index(user, tab, True)
        for user in {user for tab, user in before.items() if tabs.get(tab) != user} | \
                {user for tab, user in tabs.items() if before.get(tab) != user}:
            self.changed.emit(user)

    def _index(self, user: str, tab: str, present: bool) -> None:
        tabs = self._elsewhere.setdefault(user, {})
        if present:
            tabs[tab] = None
        else:
            tabs.pop(tab, None)
        if not tabs:
            del self._elsewhere[user]

    def _heard(self, data: dict) -> None:
        """Another process's tab opened or went: counted at once (the next beat re-reads that process anyway)."""
        process, tab, user = data['process'], data['tab'], data['user']
        tabs = self._theirs.setdefault(process, {})
        if data['open'] and tabs.get(tab) != user:
            tabs[tab] = user
            self._index(user, tab, True)
        elif not data['open'] and tab in tabs:
            self._index(tabs.pop(tab), tab, False)
        else:
            return
        if not tabs:
            del self._theirs[process]
        self.changed.emit(user)

    def leave(self) -> None:
        """This process stops (cleanly): its tabs are gone for everyone now, not after PROCESS_TTL."""
        for tab, user in list(self._mine.items()):
            self.gone(user, tab)
        try:
            pipe = self._redis.pipeline()
            pipe.zrem(self._key('processes'), self.process)
            pipe.delete(self._key('tabs', self.process))
            pipe.hdel(self._key('tab_revs'), self.process)
            pipe.execute()
        except redis.RedisError:
            pass  # the others bury it after PROCESS_TTL
        self._redis.close()
