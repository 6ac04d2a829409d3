"""The directory: every other user with a live presence badge and a call button.

Online users come first. To stay light with hundreds of accounts only the first `MAX_ROWS` matches
are rendered; the search box finds anyone else.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable

from nicegui import ui

from backend.presence import BUSY, OFFLINE, ONLINE

from ..testids import hook
from .person_row import PersonRow

MAX_ROWS = 20  # a screenful; each rendered row costs server memory and start-up time per open dashboard
RANK = {ONLINE: 0, BUSY: 0, OFFLINE: 1}


class UserDirectory(ui.column):
    def __init__(self, me: str, users: list[str], status: Callable[[str], str],
                 on_call: Callable[[str], object]) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self._me = me
        self._status = {user: status(user) for user in users if user != me}
        self._order = sorted(self._key(user) for user in self._status)  # everyone in display order, kept sorted
        self._on_call = on_call
        self._shown: list[str] = []  # the users on screen, top to bottom
        self._row_of: dict[str, PersonRow] = {}  # their rows
        with self:
            self._search = hook(ui.input(placeholder='Search people'), 'directory-search') \
                .props('dense outlined clearable').classes('w-full').on_value_change(lambda: self._render())
            self._rows = ui.column().classes('w-full gap-0')
            self._empty = ui.label().classes('text-sm text-grey-7 px-2 py-4')
            self._more = ui.label().classes('text-sm text-grey-7 px-2')
        self._render()

    def add_user(self, user: str, status: str) -> None:
        if user != self._me and user not in self._status:
            self._status[user] = status
            insort(self._order, self._key(user))
            self._render()

    def apply_presence(self, diff: dict[str, str]) -> None:
        """Update the rows in place; re-render only when someone crossed the online/offline line where that can
        change the rows in view.

        Every open dashboard gets every change: most must cost next to nothing (no sort, no scan of everyone)."""
        reorder = False
        for user, status in diff.items():
            old = self._status.get(user)
            if old is None or old == status:
                continue
            self._status[user] = status
            if RANK[status] != RANK[old]:
                del self._order[bisect_left(self._order, _sort_key(user, old))]
                insort(self._order, self._key(user))
                reorder = reorder or self._may_change_view(user)
        if reorder:
            self._render()  # hands the rows of those who left the view to those who came in
        for user in diff:
            row = self._row_of.get(user)
            if row is not None:
                row.show(user, self._status[user])  # nothing to send for a row just handed over

    def _may_change_view(self, user: str) -> bool:
        """Whether a new rank for `user` can change the rows: shown, room for more, or now before the last row."""
        if user in self._row_of:
            return True
        if self._needle() not in user.lower():
            return False
        return len(self._shown) < MAX_ROWS or self._key(user) < self._key(self._shown[-1])

    def _needle(self) -> str:
        return (self._search.value or '').strip().lower()

    def _key(self, user: str) -> tuple[int, str, str]:
        return _sort_key(user, self._status[user])

    def _first_matches(self) -> tuple[list[str], int]:
        """The first `MAX_ROWS` users that match the search, and how many match in all."""
        needle = self._needle()
        if not needle:
            return [user for *_, user in self._order[:MAX_ROWS]], len(self._order)
        matches = [user for _, name, user in self._order if needle in name]
        return matches[:MAX_ROWS], len(matches)

    def _render(self) -> None:
        """Show the first matches, reusing the rows on screen: a login re-sorts and re-labels, it does not rebuild."""
        self._shown, total = self._first_matches()
        keep = set(self._shown)
        spare = [self._row_of.pop(user) for user in set(self._row_of) - keep]
        for user in self._shown:
            if user not in self._row_of:
                if spare:  # a row that left the view is handed to someone who came in
                    row = spare.pop()
                    row.show(user, self._status[user])
                else:
                    with self._rows:
                        row = PersonRow(user, self._status[user], on_call=self._on_call)
                self._row_of[user] = row
        for row in spare:
            row.delete()
        order = [self._row_of[user] for user in self._shown]
        children = self._rows.default_slot.children
        if children != order:
            # One re-order and one update: Element.move per row costs two updates and a walk up the tree each,
            # and every open dashboard re-sorts on every login near the top.
            children[:] = order
            self._rows.update()
        self._empty.set_text('' if total else 'No one matches your search.' if self._status else
                             'Nobody else has registered yet. Share this address with a colleague.')
        self._empty.set_visibility(not total)
        hidden = total - MAX_ROWS
        self._more.set_text(f'{hidden} more: search to find them.' if hidden > 0 else '')


def _sort_key(user: str, status: str) -> tuple[int, str, str]:
    """Online (and busy) first, then by name."""
    return RANK[status], user.lower(), user
