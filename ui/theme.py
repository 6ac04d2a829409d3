"""Light or dark: the system's preference, unless the person picked the other one with the header's toggle.

The pick is kept with the account (`Accounts.set_theme`): it follows the person to every browser and outlives
signing out. Picking what the system prefers anyway goes back to following the system.
"""
from __future__ import annotations

from nicegui import run, ui

from backend.services import Services

from .testids import hook

SHOWN = '[matchMedia("(prefers-color-scheme: dark)").matches, document.body.classList.contains("body--dark")]'


async def follow_theme(services: Services, me: str) -> ui.dark_mode:
    """The page's theme: the person's pick, else the system's (None is Quasar's auto)."""
    pick = await run.io_bound(services.accounts.theme_of, me)
    return ui.dark_mode(None if pick is None else pick == 'dark')


def theme_toggle(theme: ui.dark_mode, services: Services, me: str) -> ui.button:
    """Switch between dark and light; kept with the account."""
    async def toggle() -> None:
        system_dark, shown_dark = await ui.run_javascript(SHOWN)
        dark = None if (not shown_dark) == system_dark else not shown_dark
        await run.io_bound(services.accounts.set_theme, me, None if dark is None else 'dark' if dark else 'light')
        theme.set_value(dark)

    return hook(ui.button(icon='dark_mode', on_click=toggle), 'toggle-dark') \
        .props('flat round dense color=grey-7 aria-label="Dark or light" title="Dark or light"')
