"""The line at the top of the dashboard that says when Agora signaling is not up, with the button that helps."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ..testids import hook


class SignalingBanner:
    def __init__(self, on_click: Callable[[], None]) -> None:
        with hook(ui.row(), 'signaling-status').classes('w-full items-center no-wrap gap-3 px-4 py-2 rounded '
                                                         'bg-orange-1 text-orange-10') as self._row:
            ui.icon('cell_tower')
            self._message = ui.label().classes('grow')
            self._button = ui.button(on_click=on_click).props('outline dense no-caps color=orange-10')

    def show(self, message: str, button: str = '') -> None:
        """Say `message` (nothing: hide the line), with a `button` of that text if given."""
        self._message.set_text(message)
        self._button.set_text(button)
        self._button.set_visibility(bool(button))
        self._row.set_visibility(bool(message))
