"""One call in the history as ONE element: each open dashboard holds up to 20 of these on the server.

The browser draws the other person's avatar and name, the icon, the kind of call, the result, how long ago and the
voice and video call-back buttons from it (history_row.js); the element's text is the result, e.g. "Completed ·
00:42". "How long ago" is kept current by the browser, so an open dashboard costs the server nothing for it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nicegui.elements.mixins.text_element import TextElement

from backend.call_history import HistoryEntry
from backend.call_registry import CallKind

from ..call_words import history_result, kind_words
from .person_avatar import AVATAR_JS, avatar_of


class HistoryRow(TextElement, component='history_row.js', dependencies=[AVATAR_JS]):
    def __init__(self, entry: HistoryEntry, peer_name: str, on_call_back: Callable[[CallKind], Any]) -> None:
        super().__init__(text=history_result(entry))
        icon, color = ('call_made', 'primary') if entry.outgoing else \
            ('call_missed', 'negative') if entry.missed else ('call_received', 'positive')
        # The age, not the time: the browser's clock may be off, the elapsed time is not.
        age = max(0.0, (datetime.now(UTC) - entry.started_at).total_seconds())
        self._peer = entry.peer
        self._props.update(peer=peer_name, avatar=avatar_of(entry.peer, peer_name), icon=icon, color=color, age=age,
                           kind=kind_words(entry.kind),
                           direction='Outgoing' if entry.outgoing else 'Incoming')
        self.on('click', lambda: on_call_back(CallKind.VIDEO))
        self.on('voice-call', lambda: on_call_back(CallKind.VOICE))

    def show_peer(self, name: str) -> None:
        """The other person's new display name (and the initial in their avatar)."""
        self._props.update(peer=name, avatar=avatar_of(self._peer, name))

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['peer'], self._props['kind'], self.text]
