"""A demo instance (DEMO_USERS): the notice on every page, and the one-click sign-in buttons of the login page."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from backend.settings import Settings

from ..testids import hook


def demo_banner(settings: Settings) -> None:
    """Says on every page that anyone can sign in as the demo people (nothing without DEMO_USERS)."""
    if not settings.demo_users:
        return
    names = [name or username for username, name in settings.demo_users]
    listed = names[0] if len(names) == 1 else f'{", ".join(names[:-1])} or {names[-1]}'
    with hook(ui.row(), 'demo-banner').classes('w-full items-center justify-center gap-2 no-wrap px-4 py-1 '
                                               'bg-amber-2 text-amber-10 text-sm'):
        ui.icon('science', size='xs')
        ui.label(f'This is a demo: anyone can sign in as {listed}. Keep anything private out of it.')


def demo_sign_in_buttons(settings: Settings, on_pick: Callable[[str], None]) -> None:
    """One button per demo person (`demo-login-USER`); `on_pick` gets the username."""
    if not settings.demo_users:
        return
    ui.separator()
    ui.label('Or try the demo as').classes('text-sm text-grey-7')
    for username, name in settings.demo_users:
        hook(ui.button(name or username, icon='login', on_click=lambda _, username=username: on_pick(username)),
             f'demo-login-{username}').props('outline no-caps')
