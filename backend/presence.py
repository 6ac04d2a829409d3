"""Who is online: `online` while a tab is connected, `busy` while ringing or in a call, else `offline`.

Changes are coalesced: a burst of logins and logouts becomes one batched diff per tick, so N open
dashboards get one update each per tick instead of one per change (O(N) instead of O(N^2) messages).
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from .signal import Signal

ONLINE, BUSY, OFFLINE = 'online', 'busy', 'offline'
FLUSH_DELAY = 0.1  # seconds a change waits for others to join its batch


class Presence:
    def __init__(self, is_busy: Callable[[str], bool] = lambda _user: False, flush_delay: float = FLUSH_DELAY) -> None:
        self._is_busy = is_busy
        self._tabs: dict[str, dict[str, None]] = {}  # user -> their tabs, oldest first
        self._published: dict[str, str] = {}
        self._dirty: set[str] = set()
        self._flush_delay = flush_delay
        self._flush_handle: asyncio.TimerHandle | None = None
        self.changed: Signal[dict[str, str]] = Signal()  # {username: status} of the users whose status changed

    def status(self, user: str) -> str:
        if not self._tabs.get(user):
            return OFFLINE
        return BUSY if self._is_busy(user) else ONLINE

    def tabs(self, user: str) -> tuple[str, ...]:
        """The user's connected tabs, oldest first."""
        return tuple(self._tabs.get(user, ()))

    def tab_connected(self, user: str, tab: str) -> None:
        self._tabs.setdefault(user, {})[tab] = None
        self.touch(user)

    def tab_gone(self, user: str, tab: str) -> None:
        tabs = self._tabs.get(user, {})
        tabs.pop(tab, None)
        if not tabs:
            self._tabs.pop(user, None)
        self.touch(user)

    def touch(self, user: str) -> None:
        """Re-evaluate `user` (their tabs or calls changed) and publish with the next batch if it differs."""
        self._dirty.add(user)
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (plain unit tests): publish at once
                self.flush()
                return
            self._flush_handle = loop.call_later(self._flush_delay, self.flush)

    def flush(self) -> None:
        self._flush_handle = None
        diff = {}
        for user in self._dirty:
            status = self.status(user)
            if self._published.get(user, OFFLINE) != status:
                diff[user] = status
                if status == OFFLINE:
                    self._published.pop(user, None)
                else:
                    self._published[user] = status
        self._dirty.clear()
        if diff:
            self.changed.emit(diff)
