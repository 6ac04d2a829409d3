"""Who is logged in, kept in NiceGUI's per-browser user storage (shared by all tabs of that browser)."""
from __future__ import annotations

from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .branding import LOGO_ROUTE

OPEN_PATHS = {'/login', '/register', '/favicon.ico', LOGO_ROUTE}  # the login page shows the logo


def current_username() -> str | None:
    return app.storage.user.get('username')


def log_in(username: str) -> None:
    app.storage.user.update(username=username)


def log_out() -> None:
    app.storage.user.clear()


class LoginRequired(BaseHTTPMiddleware):
    """Sends a visitor without a session from any page to /login (NiceGUI's own files pass through)."""

    async def dispatch(self, request: Request, call_next):
        path = request.url.path
        if current_username() is None and path not in OPEN_PATHS and not path.startswith('/_nicegui'):
            return RedirectResponse('/login')
        return await call_next(request)
