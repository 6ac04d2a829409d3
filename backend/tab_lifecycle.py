"""What a tab opening or going away means: for presence, and for the call its user is in.

The pages only report "tab opened" and "tab gone" (and, with several processes, the tabs of a process that died
are reported gone by the process that noticed); the decisions are here and in the call registry's rules.
"""
from __future__ import annotations

import logging

from .call_registry import CallRefused, CallRegistry
from .presence import Presence

log = logging.getLogger(__name__)


class TabLifecycle:
    def __init__(self, presence: Presence, calls: CallRegistry) -> None:
        self._presence = presence
        self._calls = calls

    def opened(self, user: str, tab: str) -> None:
        self._presence.tab_connected(user, tab)

    def gone(self, user: str, tab: str) -> None:
        """The tab is gone for good (closed, or lost past its reconnect window)."""
        self._presence.tab_gone(user, tab)
        self._end_what_needed(user, tab)

    def died_with_their_process(self, tabs: list[tuple[str, str]]) -> None:
        """(user, tab) of another process that died (presence has forgotten them already)."""
        for user, tab in tabs:
            self._end_what_needed(user, tab)

    def _end_what_needed(self, user: str, tab: str) -> None:
        tabs = self._presence.tabs(user)  # oldest first: the newest takes over a ringing call placed from this tab
        try:
            self._calls.tab_gone(user, tab, tabs_left=len(tabs), successor=tabs[-1] if tabs else None)
        except CallRefused as refusal:  # the shared store does not answer: its calls end for this process anyway
            log.info('tab %s of %s gone while the calls are away: %s', tab, user, refusal)
