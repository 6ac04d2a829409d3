"""One call in the history as ONE element: each open dashboard holds up to 20 of these on the server.

The browser draws the icon, the other person, the result and the call-back button from it (history_row.js);
the element's text is the result, e.g. "Completed · 00:42 · just now".
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui.elements.mixins.text_element import TextElement

from backend.call_history import HistoryEntry

from ..call_words import ago, history_result


class HistoryRow(TextElement, component='history_row.js'):
    def __init__(self, entry: HistoryEntry, on_call_back: Callable[[], Any]) -> None:
        super().__init__(text=f'{history_result(entry)} · {ago(entry.started_at)}')
        icon, color = ('call_made', 'primary') if entry.outgoing else \
            ('call_missed', 'negative') if entry.missed else ('call_received', 'positive')
        self._props.update(peer=entry.peer, icon=icon, color=color,
                           direction='Outgoing' if entry.outgoing else 'Incoming')
        self.on('click', on_call_back)

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['peer'], self.text]
