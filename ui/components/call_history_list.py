"""The call history on the dashboard: newest first, missed calls counted, a voice and a video call back on every
entry."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from nicegui import run, ui

from backend.call_history import CallHistory, HistoryEntry
from backend.call_registry import CallKind

from ..testids import hook
from .history_row import HistoryRow

HISTORY_SHOWN = 20  # the newest calls; each entry costs server memory per open dashboard


def _newest_first(entry: HistoryEntry) -> tuple:
    return -entry.started_at.timestamp(), entry.call_id  # the database's order (CallHistory.entries)


class CallHistoryList(ui.column):
    def __init__(self, history: CallHistory, me: str, on_call: Callable[[str, CallKind], object],
                 label: Callable[[str], str] = str) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self._history = history
        self._me = me
        self._on_call = on_call
        self._label = label  # how the other person is shown (their display name)
        self._shown: list[HistoryEntry] = []
        self._rows: dict[str, HistoryRow] = {}
        self._missed_count = 0
        with self:
            with ui.row().classes('w-full items-center'):
                ui.label('History').classes('text-lg font-medium grow')
                self._missed = ui.button(on_click=self._mark_seen).props('flat dense no-caps color=negative')
                self._missed.set_visibility(False)
            self._items = hook(ui.column().classes('w-full gap-0'), 'history')
            self._empty = ui.label('No calls yet.').classes('text-sm text-grey-7 px-2 py-4')

    async def refresh(self) -> None:
        """Read the history from the database and show it anew."""
        loaded = await run.io_bound(self._load)
        if loaded is None:
            return  # the server is shutting down
        entries, missed = loaded
        self._items.clear()
        self._shown.clear()
        self._rows.clear()
        for entry in entries:
            self._insert(entry)
        self._empty.set_visibility(not self._shown)
        self._show_missed(missed)

    def add(self, entry: HistoryEntry) -> None:
        """A call just ended: add its entry without reading the database (one row, not the whole list)."""
        if entry.call_id in self._rows:
            return
        self._insert(entry)
        self._empty.set_visibility(False)
        if entry.missed:
            self._show_missed(self._missed_count + 1)

    def show_names(self, users: Iterable[str]) -> None:
        """These people's labels (display names) changed: their entries show the new ones."""
        users = set(users)
        for entry in self._shown:
            if entry.peer in users:
                self._rows[entry.call_id].show_peer(self._label(entry.peer))

    def _insert(self, entry: HistoryEntry) -> None:
        position = sum(1 for shown in self._shown if _newest_first(shown) < _newest_first(entry))
        if position >= HISTORY_SHOWN:
            return
        self._shown.insert(position, entry)
        with self._items:
            self._rows[entry.call_id] = row = hook(
                HistoryRow(entry, self._label(entry.peer), lambda kind, peer=entry.peer: self._on_call(peer, kind)),
                'history-item')
        row.move(target_index=position)
        if len(self._shown) > HISTORY_SHOWN:
            self._rows.pop(self._shown.pop().call_id).delete()

    def _show_missed(self, missed: int) -> None:
        self._missed_count = missed
        self._missed.set_text(f'{missed} missed · mark seen')
        self._missed.set_visibility(missed > 0)

    def _load(self) -> tuple[list, int]:
        return self._history.entries(self._me, limit=HISTORY_SHOWN), self._history.missed_count(self._me)

    async def _mark_seen(self) -> None:
        await run.io_bound(self._history.mark_seen, self._me)
        await self.refresh()
