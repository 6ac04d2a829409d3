"""What a tab opening or going away means: for presence, and for the call its user is in.

The pages only report "tab opened" and "tab gone"; the decisions are here and in the call registry's rules.
"""
from __future__ import annotations

from .call_registry import CallRegistry
from .presence import Presence


class TabLifecycle:
    def __init__(self, presence: Presence, calls: CallRegistry) -> None:
        self._presence = presence
        self._calls = calls

    def opened(self, user: str, tab: str) -> None:
        self._presence.tab_connected(user, tab)

    def gone(self, user: str, tab: str) -> None:
        """The tab is gone for good (closed, or lost past its reconnect window)."""
        self._presence.tab_gone(user, tab)
        tabs = self._presence.tabs(user)  # oldest first: the newest takes over a ringing call placed from this tab
        self._calls.tab_gone(user, tab, tabs_left=len(tabs), successor=tabs[-1] if tabs else None)
