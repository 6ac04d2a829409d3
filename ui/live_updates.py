"""Bridges the backend's signals to the open tabs.

NiceGUI's `Event` runs each subscriber in its own tab's context and drops it when the tab is deleted.
Presence batches, which every dashboard gets, go out a slice of dashboards at a time (`PresenceFanout`).
Call updates are routed to the tabs of the call's two parties only, so a call costs the same whether
ten or a thousand dashboards are open.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from nicegui import Event, app, background_tasks, run

from backend.accounts import Account
from backend.call_history import HistoryEntry
from backend.call_registry import Call
from backend.services import Services

from .failure_reasons import log_reason
from .presence_fanout import PresenceFanout

log = logging.getLogger(__name__)


class LiveUpdates:
    def __init__(self, services: Services) -> None:
        self._services = services
        self.presence = PresenceFanout()  # {username: status} batches, for every dashboard
        self.new_account: Event[Account] = Event()
        self.renamed: Event[list[str]] = Event()  # whose label (display name) changed, for every dashboard
        self._calls: defaultdict[str, Event[Call]] = defaultdict(Event)
        self._history: defaultdict[str, Event[HistoryEntry]] = defaultdict(Event)
        self._signals: defaultdict[str, Event[str, str, str, str, dict]] = defaultdict(Event)
        self._storing: set[asyncio.Task] = set()
        services.presence.changed.connect(self.presence.publish)
        services.directory.added.connect(self.new_account.emit)
        services.directory.renamed.connect(self.renamed.emit)
        services.calls.changed.connect(self._route_call)
        services.calls.ended.connect(self._store_call)

    def calls_of(self, username: str) -> Event[Call]:
        """Every snapshot of every call `username` is part of."""
        return self._calls[username]

    def history_of(self, username: str) -> Event[HistoryEntry]:
        """`username`'s entry for each of their calls, once it is written to the history."""
        return self._history[username]

    def signals_of(self, username: str) -> Event[str, str, str, str, dict]:
        """Media signals for `username`'s calls, as (call id, sender, sender's tab, addressed tab, signal)."""
        return self._signals[username]

    def relay_signal(self, call_id: str, sender: str, sender_tab: str, to_tab: str, signal: dict) -> None:
        """Pass a media signal from `sender`'s tab to a tab of the other party, only between the tabs the registry
        lets connect in that live call."""
        peer = self._services.calls.signal_peer(call_id, sender, sender_tab, to_tab)
        if peer is None:
            log.warning('dropped a signal from %s for call %s: not between the tabs of that live call', sender,
                        call_id)
            return
        if peer in self._signals:
            self._signals[peer].emit(call_id, sender, sender_tab, to_tab, signal)

    def _route_call(self, call: Call) -> None:
        for user in (call.caller, call.callee):
            if user in self._calls:
                self._calls[user].emit(call)

    def _store_call(self, call: Call) -> None:
        log_reason(call.id, call.detail)
        if app.is_stopping:  # no worker threads any more; one blocking write while shutting down is fine
            self._services.history.record(call)
            return

        async def store() -> None:
            if not await run.io_bound(self._services.history.record, call):
                return  # stored before: its entry is out already
            for user in (call.caller, call.callee):
                if user in self._history:
                    self._history[user].emit(HistoryEntry.of(call, user))
        task = background_tasks.create(store(), name=f'store call {call.id}')
        self._storing.add(task)
        task.add_done_callback(self._storing.discard)

    async def stored(self) -> None:
        """Wait until every ended call is in the database."""
        if self._storing:
            await asyncio.gather(*self._storing, return_exceptions=True)
