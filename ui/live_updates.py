"""Bridges the backend's signals to the open tabs.

NiceGUI's `Event` runs each subscriber in its own tab's context and drops it when the tab is deleted.
Presence batches, which every dashboard gets, go out a slice of dashboards at a time (`PresenceFanout`).
Call updates are routed to the tabs of the call's two parties only, so a call costs the same whether
ten or a thousand dashboards are open. They come from `services.delivery`: this process's and (with REDIS_URL)
every other process's snapshots, media signals and stored calls alike.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from nicegui import Event, app, background_tasks, run

from backend.accounts import Account
from backend.call_history import HistoryEntry
from backend.call_registry import Call, StoreUnavailable
from backend.delivery import MediaSignal
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
        self.reconnecting: Event[bool] = Event()  # with REDIS_URL: True when Redis is lost, False when it is back
        services.presence.changed.connect(self.presence.publish)
        services.directory.added.connect(self.new_account.emit)
        services.directory.renamed.connect(self.renamed.emit)
        services.delivery.calls.connect(self._route_call)
        services.delivery.signals.connect(self._route_signal)
        services.delivery.stored.connect(self._route_history)
        services.calls.ended.connect(self._store_call)
        if services.bus is not None:
            services.bus.lost.connect(lambda _: self.reconnecting.emit(True))
            services.bus.back.connect(lambda _: self.reconnecting.emit(False))

    @property
    def is_reconnecting(self) -> bool:
        return self._services.bus is not None and not self._services.bus.up

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
        try:
            peer = self._services.calls.signal_peer(call_id, sender, sender_tab, to_tab)
        except StoreUnavailable:  # Redis lost: the call ends for this process's tabs (backend/redis_outage.py)
            return
        if peer is None:
            log.warning('dropped a signal from %s for call %s: not between the tabs of that live call', sender,
                        call_id)
            return
        self._services.delivery.send_signal(MediaSignal(call_id, sender, sender_tab, to_tab, peer, signal))

    def _route_signal(self, signal: MediaSignal) -> None:
        if signal.peer in self._signals:
            self._signals[signal.peer].emit(signal.call_id, signal.sender, signal.sender_tab, signal.to_tab,
                                            signal.signal)

    def _route_history(self, call: Call) -> None:
        for user in (call.caller, call.callee):
            if user in self._history:
                self._history[user].emit(HistoryEntry.of(call, user))

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
            if await run.io_bound(self._services.history.record, call):
                self._services.delivery.call_stored(call)  # to this process's tabs and every other process's
            else:  # stored before, e.g. by the peer's process when both lost Redis: a list shows each call once
                self._services.delivery.stored.emit(call)
        task = background_tasks.create(store(), name=f'store call {call.id}')
        self._storing.add(task)
        task.add_done_callback(self._storing.discard)

    async def stored(self) -> None:
        """Wait until every ended call is in the database."""
        if self._storing:
            await asyncio.gather(*self._storing, return_exceptions=True)
