"""One person in the directory as ONE element: a thousand open dashboards hold these rows in memory.

The browser draws the avatar, the name, the presence badge and the voice- and video-call buttons from it
(person_row.js). The element's text is the presence and it carries the markers of the parts (`user-`, `status-`,
`call-`), so the simulated user reads it and clicks it (a video call) as a browser reads and clicks the parts. A row
can be handed to another person (`show`): when someone leaves the rows in view and someone else comes in, the row is
updated, not rebuilt.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from backend.call_registry import CallKind
from backend.presence import BUSY, OFFLINE, ONLINE

from .person_avatar import AVATAR_JS, avatar_of

BADGE_COLORS = {ONLINE: 'green-9', BUSY: 'deep-orange-10', OFFLINE: 'grey-8'}  # white text reads on each (4.5:1)


class PersonRow(ui.element, component='person_row.js', dependencies=[AVATAR_JS]):
    def __init__(self, user: str, status: str, name: str, on_call: Callable[[str, CallKind], Any]) -> None:
        super().__init__()
        self.show(user, status, name)
        # One listener for both buttons: NiceGUI sends every listener with each update of the row, and a presence
        # change updates rows on every open dashboard.
        self.on('click', lambda event: on_call(self.user, CallKind.VOICE if event.args == 'voice' else CallKind.VIDEO))

    @property
    def user(self) -> str:
        return self._props['user']

    @property
    def text(self) -> str:
        """The presence shown on the badge."""
        return self._text or ''

    def show(self, user: str, status: str, name: str) -> None:
        """One update for the whole row, none when it shows that already: every open dashboard re-labels its rows at
        every batch of logins near the top of the directory (a TextElement's text would be a second update, through
        NiceGUI's binding machinery)."""
        if self._props.get('user') == user and self._text == status and self._props.get('name') == name:
            return
        self._text = status  # NiceGUI sends an element's `_text` with it; the props change below sends the element
        if self._props.get('user') != user:
            self.mark(f'user-{user}', f'status-{user}', f'call-{user}', f'name-{user}')
        self._props.update({'user': user, 'name': name, 'color': BADGE_COLORS[status], 'data-testid': f'user-{user}',
                            'avatar': avatar_of(user, name)})

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['name'], self.text]
