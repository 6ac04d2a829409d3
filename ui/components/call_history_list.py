"""The call history on the dashboard: newest first, missed calls counted, "call back" on every entry."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import run, ui

from backend.call_history import CallHistory

from ..call_words import ago, history_result
from ..testids import hook

HISTORY_SHOWN = 20  # the newest calls; each entry costs server memory per open dashboard


class CallHistoryList(ui.column):
    def __init__(self, history: CallHistory, me: str, on_call: Callable[[str], object]) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self._history = history
        self._me = me
        self._on_call = on_call
        with self:
            with ui.row().classes('w-full items-center'):
                ui.label('History').classes('text-lg font-medium grow')
                self._missed = ui.button(on_click=self._mark_seen).props('flat dense no-caps color=negative')
                self._missed.set_visibility(False)
            self._items = hook(ui.column().classes('w-full gap-0'), 'history')

    async def refresh(self) -> None:
        loaded = await run.io_bound(self._load)
        if loaded is None:
            return  # the server is shutting down
        entries, missed = loaded
        self._items.clear()
        with self._items:
            if not entries:
                ui.label('No calls yet.').classes('text-sm text-grey-7 px-2 py-4')
            for entry in entries:
                icon, color = ('call_made', 'primary') if entry.outgoing else \
                    ('call_missed', 'negative') if entry.missed else ('call_received', 'positive')
                with hook(ui.row(), 'history-item').classes('w-full items-center no-wrap px-2 py-1 gap-x-3'):
                    ui.icon(icon, color=color).props(f'title="{"Outgoing" if entry.outgoing else "Incoming"}"')
                    ui.label(entry.peer).classes('font-medium')
                    ui.label(f'{history_result(entry)} · {ago(entry.started_at)}').classes('grow text-xs text-grey-7')
                    ui.button(icon='call', on_click=lambda peer=entry.peer: self._on_call(peer)) \
                        .props(f'flat round dense title="Call {entry.peer} back"')
        self._missed.set_text(f'{missed} missed · mark seen')
        self._missed.set_visibility(missed > 0)

    def _load(self) -> tuple[list, int]:
        return self._history.entries(self._me, limit=HISTORY_SHOWN), self._history.missed_count(self._me)

    async def _mark_seen(self) -> None:
        await run.io_bound(self._history.mark_seen, self._me)
        await self.refresh()
