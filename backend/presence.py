"""Who is online: `online` while a tab is connected, `busy` while ringing or in a call, else `offline`.

With several processes (`REDIS_URL`) a user's tabs are this process's and, through `SharedTabs`, every other
process's: each process works out everyone's status itself, from the same tabs and the same (shared) call registry.

Changes are coalesced: a burst of logins and logouts becomes one batched diff per tick, so N open
dashboards get one update each per tick instead of one per change (O(N) instead of O(N^2) messages).
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from .shared_tabs import SharedTabs
from .signal import Signal

ONLINE, BUSY, OFFLINE = 'online', 'busy', 'offline'
FLUSH_DELAY = 0.1  # seconds a change waits for others to join its batch


class Presence:
    def __init__(self, is_busy: Callable[[str], bool] = lambda _user: False, flush_delay: float = FLUSH_DELAY,
                 shared: SharedTabs | None = None) -> None:
        self._is_busy = is_busy
        self._shared = shared
        self._tabs: dict[str, dict[str, None]] = {}  # user -> their tabs on this process, oldest first
        self._published: dict[str, str] = {}
        self._dirty: set[str] = set()
        self._flush_delay = flush_delay
        self._flush_handle: asyncio.TimerHandle | None = None
        self.changed: Signal[dict[str, str]] = Signal()  # {username: status} of the users whose status changed

    def status(self, user: str) -> str:
        if not self.tabs(user):
            return OFFLINE
        return BUSY if self._is_busy(user) else ONLINE

    def tabs(self, user: str) -> tuple[str, ...]:
        """The user's connected tabs: this process's oldest first, then those on other processes."""
        here = tuple(self._tabs.get(user, ()))
        return here + self._shared.tabs_elsewhere(user) if self._shared is not None else here

    def users_here(self) -> list[str]:
        """The users with a tab on this process."""
        return list(self._tabs)

    def tab_connected(self, user: str, tab: str) -> None:
        self._tabs.setdefault(user, {})[tab] = None
        if self._shared is not None:
            self._shared.opened(user, tab)
        self.touch(user)

    def tab_gone(self, user: str, tab: str) -> None:
        tabs = self._tabs.get(user, {})
        if tab in tabs and self._shared is not None:
            self._shared.gone(user, tab)
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
