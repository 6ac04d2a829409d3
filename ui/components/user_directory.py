"""The directory: every other user with a live presence badge and the voice- and video-call buttons.

Online users come first. To stay light with hundreds of accounts only the first `MAX_ROWS` matches
are rendered; the search box finds anyone else.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from nicegui import ui

from backend.call_registry import CallKind
from backend.directory_order import DirectoryOrder

from ..testids import hook
from .person_row import PersonRow

MAX_ROWS = 20  # a screenful; each rendered row costs server memory and start-up time per open dashboard


class UserDirectory(ui.column):
    def __init__(self, me: str, order: DirectoryOrder, on_call: Callable[[str, CallKind], object],
                 label: Callable[[str], str] = str) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self._me = me
        self._order = order  # everyone in display order, kept by its owner (one for all tabs; per tab in Agora mode)
        self._on_call = on_call
        self._label = label  # how a user is shown (their display name)
        self._shown: list[str] = []  # the users on screen, top to bottom
        self._row_of: dict[str, PersonRow] = {}  # their rows
        with self:
            self._search = hook(ui.input(placeholder='Search people'), 'directory-search') \
                .props('dense outlined clearable').classes('w-full').on_value_change(lambda: self._render())
            self._rows = ui.column().classes('w-full gap-0')
            self._empty = ui.label().classes('text-sm text-grey-7 px-2 py-4')
            self._more = ui.label().classes('text-sm text-grey-7 px-2')
        self._render()

    def show_changes(self, users: Iterable[str]) -> None:
        """These users are new or their status changed in the order: update their rows in place, and re-render only
        when that can change the rows in view.

        Every open dashboard gets every batch: most must cost next to nothing (no sort, no scan of everyone)."""
        users = [user for user in users if user != self._me and user in self._order]
        if any(self._may_change_view(user) for user in users):
            self._render()  # hands the rows of those who left the view to those who came in
        for user in users:
            row = self._row_of.get(user)
            if row is not None:
                # nothing to send for a row just handed over
                row.show(user, self._order.status(user), self._label(user))

    def show_names(self, users: Iterable[str]) -> None:
        """These users' labels changed: re-label their rows, and re-match a search (it matches display names)."""
        if self._needle():
            self._render()
        for user in users:
            row = self._row_of.get(user)
            if row is not None:
                row.show(user, self._order.status(user), self._label(user))

    def _may_change_view(self, user: str) -> bool:
        """Whether `user`'s place can change the rows: shown, room for more, or now before the last row."""
        if user in self._row_of:
            return True
        if self._needle() not in user.lower() and self._needle() not in self._label(user).lower():
            return False
        return len(self._shown) < MAX_ROWS or self._order.key(user) < self._order.key(self._shown[-1])

    def _needle(self) -> str:
        return (self._search.value or '').strip().lower()

    def _render(self) -> None:
        """Show the first matches, reusing the rows on screen: a login re-sorts and re-labels, it does not rebuild."""
        self._shown, total = self._order.first(MAX_ROWS, self._needle(), skip=self._me, label=self._label)
        keep = set(self._shown)
        spare = [self._row_of.pop(user) for user in set(self._row_of) - keep]
        for user in self._shown:
            if user not in self._row_of:
                if spare:  # a row that left the view is handed to someone who came in
                    row = spare.pop()
                    row.show(user, self._order.status(user), self._label(user))
                else:
                    with self._rows:
                        row = PersonRow(user, self._order.status(user), self._label(user), on_call=self._on_call)
                self._row_of[user] = row
        for row in spare:
            row.delete()
        rows = [self._row_of[user] for user in self._shown]
        children = self._rows.default_slot.children
        if children != rows:
            # One re-order and one update: Element.move per row costs two updates and a walk up the tree each,
            # and every open dashboard re-sorts on every login near the top.
            children[:] = rows
            self._rows.update()
        anyone_else = len(self._order) > (self._me in self._order)
        self._empty.set_text('' if total else 'No one matches your search.' if anyone_else else
                             'Nobody else has registered yet. Share this address with a colleague.')
        self._empty.set_visibility(not total)
        hidden = total - MAX_ROWS
        self._more.set_text(f'{hidden} more: search to find them.' if hidden > 0 else '')

