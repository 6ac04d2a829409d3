"""Wires the services into NiceGUI: its tuning, the login gate, the pages, the live updates and a clean shutdown."""
from __future__ import annotations

from nicegui import App, background_tasks, run

from backend.database import dispose
from backend.services import Services

from . import nicegui_tuning
from .agora_sdk import serve_local_sdks
from .branding import apply_branding
from .health import add_health_route
from .live_updates import LiveUpdates
from .pages import register_pages
from .secure_cookies import secure_cookies_over_https
from .session import LoginRequired, add_session_routes, sign_ins
from .socket_guard import guard_sockets
from .stylesheets import add_stylesheets


def start_app(app: App, services: Services) -> None:
    if services.settings.nicegui_tuning:
        nicegui_tuning.apply(app)
    guard_sockets(services.settings.allowed_origins, may_act=sign_ins.may_act)  # always on: not a tuning
    secure_cookies_over_https(app)
    app.add_middleware(LoginRequired)
    add_session_routes(app)
    add_health_route(app)
    if services.shared_sign_ins is not None:
        sign_ins.share(services.shared_sign_ins)
        app.on_startup(lambda: background_tasks.create(sign_ins.sweep(), name='end pages of sign-ins ended elsewhere'))
    if services.directory_sync is not None:
        app.on_startup(lambda: background_tasks.create(services.directory_sync.follow(run.io_bound),
                                                       name='follow the accounts of other processes'))
    serve_local_sdks(app, services.settings)
    apply_branding(app, services.settings)
    add_stylesheets()
    live = LiveUpdates(services)
    register_pages(services, live)

    if services.bus is not None:  # several processes: listen to the others, and beat for this one's tabs
        app.on_startup(services.bus.listen)  # coroutines: NiceGUI runs them as background tasks
        app.on_startup(services.shared_tabs.run)

    async def shut_down() -> None:
        if services.shared_tabs is None:
            services.calls.shutdown()  # live calls end now, so each one still lands in the history
        else:  # the calls of this process's tabs end; the other processes' calls go on
            mine = services.shared_tabs.tabs_here()
            services.calls.shutdown(tabs=set(mine))
            for tab, user in mine.items():
                services.tabs.gone(user, tab)  # e.g. a ringing call to someone with no tab elsewhere
            services.shared_tabs.leave()
        await live.stored()
        dispose(services.sessions)

    app.on_shutdown(shut_down)
