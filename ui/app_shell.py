"""Wires the services into NiceGUI: the login gate, the pages, the live updates and a clean shutdown."""
from __future__ import annotations

import asyncio

from nicegui import App

from backend.database import dispose
from backend.services import Services

from .agora_sdk import serve_local_sdks
from .garbage_collection import FreezeSurvivors
from .live_updates import LiveUpdates
from .pages import register_pages
from .session import LoginRequired


def start_app(app: App, services: Services) -> None:
    app.add_middleware(LoginRequired)
    serve_local_sdks(app, services.settings)
    live = LiveUpdates(services)
    register_pages(services, live)
    collector: list[FreezeSurvivors] = []
    app.on_startup(lambda: collector.append(FreezeSurvivors(asyncio.get_running_loop())))

    async def shut_down() -> None:
        while collector:
            collector.pop().stop()
        services.calls.shutdown()  # live calls end now, so each one still lands in the history
        await live.stored()
        dispose(services.sessions)

    app.on_shutdown(shut_down)
