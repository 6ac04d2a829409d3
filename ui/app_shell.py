"""Wires the services into NiceGUI: the login gate, the pages, the live updates and a clean shutdown."""
from __future__ import annotations

import asyncio

from nicegui import App, core

from backend.database import dispose
from backend.services import Services

from .agora_sdk import serve_local_sdks
from .branding import apply_branding
from .deleted_elements import free_deleted_elements
from .garbage_collection import FreezeSurvivors
from .handler_arguments import speed_up_handler_checks
from .idle_outbox import stop_outbox_polling
from .live_updates import LiveUpdates
from .pages import register_pages
from .session import LoginRequired

# NiceGUI derives the socket ping timeout from its 3 s reconnect window: 2 s. A server busy for longer than that
# (a hundred logins at once with a thousand dashboards open) then drops healthy sockets, every dropped tab
# reloads its page and the server gets busier still: measured, 87 to 1,043 of 1,000 dashboards dropped in such
# a burst, none with 10 s. A closed tab is still noticed at once; only a silently lost network takes longer.
PING_TIMEOUT = 10.0


def start_app(app: App, services: Services) -> None:
    app.add_middleware(LoginRequired)
    stop_outbox_polling()
    speed_up_handler_checks()
    free_deleted_elements()
    serve_local_sdks(app, services.settings)
    apply_branding(app, services.settings)
    live = LiveUpdates(services)
    register_pages(services, live)
    collector: list[FreezeSurvivors] = []
    app.on_startup(lambda: collector.append(FreezeSurvivors(asyncio.get_running_loop())))
    app.on_startup(lambda: setattr(core.sio.eio, 'ping_timeout', PING_TIMEOUT))  # after NiceGUI sets its own

    async def shut_down() -> None:
        while collector:
            collector.pop().stop()
        services.calls.shutdown()  # live calls end now, so each one still lands in the history
        await live.stored()
        dispose(services.sessions)

    app.on_shutdown(shut_down)
