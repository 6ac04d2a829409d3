"""The directory: every other user with a live presence badge and a call button.

Online users come first. To stay light with hundreds of accounts only the first `MAX_ROWS` matches
are rendered; the search box finds anyone else.
"""
from __future__ import annotations

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
        self._users = [user for user in users if user != me]
        self._status = {user: status(user) for user in self._users}
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
            self._users.append(user)
            self._status[user] = status
            self._render()

    def apply_presence(self, diff: dict[str, str]) -> None:
        """Update the badges in place; re-sort only when someone crossed the online/offline line in view.

        Every open dashboard gets every change: most must cost next to nothing (no sort of all users)."""
        reorder = False
        for user, status in diff.items():
            old = self._status.get(user)
            if old is None:
                continue
            self._status[user] = status
            row = self._row_of.get(user)
            if row is not None:
                row.show(status)
            reorder = reorder or (RANK[status] != RANK[old] and self._may_change_view(user))
        if reorder:
            self._render()

    def _may_change_view(self, user: str) -> bool:
        """Whether a new rank for `user` can change the rows: shown, room for more, or now before the last row."""
        if user in self._row_of:
            return True
        if self._needle() not in user.lower():
            return False
        return len(self._shown) < MAX_ROWS or self._order(user) < self._order(self._shown[-1])

    def _needle(self) -> str:
        return (self._search.value or '').strip().lower()

    def _order(self, user: str) -> tuple[int, str]:
        return RANK[self._status[user]], user.lower()

    def _matches(self) -> list[str]:
        needle = self._needle()
        return sorted((user for user in self._users if needle in user.lower()), key=self._order)

    def _render(self) -> None:
        """Show the first matches, reusing the rows already on screen: a login re-sorts, it does not rebuild."""
        matches = self._matches()
        self._shown = shown = matches[:MAX_ROWS]
        keep = set(shown)
        for user in [user for user in self._row_of if user not in keep]:
            self._row_of.pop(user).delete()
        for index, user in enumerate(shown):
            row = self._row_of.get(user)
            if row is None:
                with self._rows:
                    row = self._row_of[user] = PersonRow(user, self._status[user],
                                                         on_call=lambda user=user: self._on_call(user))
            if self._rows.default_slot.children[index] is not row:
                row.move(target_index=index)
        self._empty.set_text('' if matches else 'No one matches your search.' if self._users else
                             'Nobody else has registered yet. Share this address with a colleague.')
        self._empty.set_visibility(not matches)
        hidden = len(matches) - MAX_ROWS
        self._more.set_text(f'{hidden} more: search to find them.' if hidden > 0 else '')
