"""Everyone in the directory's order: online (and busy) first, then by name, kept sorted as statuses change.

With the server's presence (embedded and hybrid modes) every dashboard sees the same statuses, so ONE order
serves them all: a thousand open dashboards do not each keep a copy and re-sort it at every batch of logins.
In Agora mode each tab learns presence from its own RTM subscription and keeps its own order.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Mapping
from itertools import islice

from .presence import BUSY, OFFLINE, ONLINE

RANK = {ONLINE: 0, BUSY: 0, OFFLINE: 1}


class DirectoryOrder:
    def __init__(self, statuses: Mapping[str, str] | None = None) -> None:
        self._status = dict(statuses or {})
        self._order = sorted(_sort_key(user, status) for user, status in self._status.items())

    def __len__(self) -> int:
        return len(self._status)

    def __contains__(self, user: object) -> bool:
        return user in self._status

    def status(self, user: str) -> str:
        return self._status.get(user, OFFLINE)

    def key(self, user: str) -> tuple[int, str, str]:
        return _sort_key(user, self._status[user])

    def update(self, statuses: Mapping[str, str]) -> None:
        """Set these users' statuses; a user not listed yet is added."""
        for user, status in statuses.items():
            old = self._status.get(user)
            if old == status:
                continue
            self._status[user] = status
            if old is not None:
                if RANK[old] == RANK[status]:
                    continue  # same place
                del self._order[bisect_left(self._order, _sort_key(user, old))]
            insort(self._order, _sort_key(user, status))

    def first(self, count: int, needle: str = '', skip: str | None = None,
              label: Callable[[str], str] = str) -> tuple[list[str], int]:
        """The first `count` users whose lower-case name or `label` (the display name) contains `needle`, leaving
        out `skip`, and how many match."""
        if not needle:  # the usual case at every batch on every dashboard: no scan of everyone
            users = [user for *_, user in islice(self._order, count + 1) if user != skip][:count]
            return users, len(self._order) - (skip in self._status)
        matches = [user for _, name, user in self._order
                   if (needle in name or needle in label(user).lower()) and user != skip]
        return matches[:count], len(matches)


def _sort_key(user: str, status: str) -> tuple[int, str, str]:
    return RANK[status], user.lower(), user
