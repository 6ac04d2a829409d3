"""Light or dark: the system's preference, unless the user picked the other one with the header's toggle.

The pick is kept in `app.storage.user` (every tab of this browser's sign-in, and after a reload). Picking what the
system prefers anyway goes back to following the system.
"""
from __future__ import annotations

from nicegui import app, ui

from .testids import hook

CHOICE = 'dark'  # app.storage.user: True, False, or missing (follow the system)
SHOWN = '[matchMedia("(prefers-color-scheme: dark)").matches, document.body.classList.contains("body--dark")]'


def follow_theme() -> ui.dark_mode:
    """The page's theme: the user's pick, else the system's (None is Quasar's auto)."""
    return ui.dark_mode(app.storage.user.get(CHOICE))


def theme_toggle(theme: ui.dark_mode) -> ui.button:
    """Switch between dark and light; remembered for this browser's sign-in."""
    async def toggle() -> None:
        system_dark, shown_dark = await ui.run_javascript(SHOWN)
        choice = None if (not shown_dark) == system_dark else not shown_dark
        theme.set_value(choice)
        if choice is None:
            app.storage.user.pop(CHOICE, None)
        else:
            app.storage.user[CHOICE] = choice

    return hook(ui.button(icon='dark_mode', on_click=toggle), 'toggle-dark') \
        .props('flat round dense color=grey-7 aria-label="Dark or light" title="Dark or light"')
