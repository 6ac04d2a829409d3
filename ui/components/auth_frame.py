"""The centred card around the login and register forms, with the refusal message slot."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from backend.settings import Settings

from ..branding import brand_mark
from ..testids import hook
from .demo_people import demo_banner


@contextmanager
def auth_frame(title: str, settings: Settings) -> Iterator[ui.label]:
    """Lay out a form; yields the `auth-error` label (hidden until `show_error`)."""
    ui.page_title(f'{title} · {settings.app_name}')
    demo_banner(settings)
    with ui.column().classes('absolute-center items-stretch w-80 gap-4'):
        brand_mark(settings, 'text-2xl').classes('self-center')
        with ui.card().classes('items-stretch gap-3 p-6'):
            ui.label(title).classes('text-lg font-medium')
            error = hook(ui.label().classes('text-negative text-sm'), 'auth-error')
            error.set_visibility(False)
            yield error


def show_error(label: ui.label, message: str) -> None:
    label.set_text(message)
    label.set_visibility(True)
