"""The centred card around the login and register forms, with the refusal message slot."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from ..testids import hook


@contextmanager
def auth_frame(title: str) -> Iterator[ui.label]:
    """Lay out a form; yields the `auth-error` label (hidden until `show_error`)."""
    ui.page_title(f'{title} · ringboard')
    with ui.column().classes('absolute-center items-stretch w-80 gap-4'):
        with ui.row().classes('items-center gap-2 self-center'):
            ui.icon('ring_volume', size='md').classes('text-primary')
            ui.label('ringboard').classes('text-2xl font-semibold')
        with ui.card().classes('items-stretch gap-3 p-6'):
            ui.label(title).classes('text-lg font-medium')
            error = hook(ui.label().classes('text-negative text-sm'), 'auth-error')
            error.set_visibility(False)
            yield error


def show_error(label: ui.label, message: str) -> None:
    label.set_text(message)
    label.set_visibility(True)
