"""The page's word that the server lost Redis (several processes, REDIS_URL): shown until it is back."""
from __future__ import annotations

from nicegui import ui

from ..live_updates import LiveUpdates
from ..testids import hook

RECONNECTING = 'Reconnecting: calls and presence are paused until the server is back in touch.'


def reconnecting_banner(live: LiveUpdates) -> None:
    """Nothing in one process; with REDIS_URL a banner (`reconnecting`) while Redis is lost."""
    with hook(ui.row(), 'reconnecting').classes('w-full items-center justify-center gap-2 no-wrap px-4 py-1 '
                                                'bg-orange-2 text-orange-10 text-sm') \
            .props('role=status aria-live=polite') as banner:
        ui.spinner(size='xs', color='orange-10')
        ui.label(RECONNECTING)
    banner.set_visibility(live.is_reconnecting)
    live.reconnecting.subscribe(banner.set_visibility)
