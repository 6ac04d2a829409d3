"""Cookies are marked `Secure` on every response served over HTTPS, directly or behind a proxy that says so.

uvicorn puts the scheme into each request: `https` with SSL_CERTFILE, or from a local proxy's X-Forwarded-Proto
(it believes that header from 127.0.0.1, its `forwarded_allow_ips`). The session cookie is set by NiceGUI's
SessionMiddleware, the outermost layer, which knows only one fixed setting; so this wraps the whole stack once
Starlette builds it, and adds the flag to whatever cookie a response over HTTPS sets.
"""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecureCookies:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope.get('scheme') != 'https':
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = MutableHeaders(scope=message)
                cookies = headers.getlist('set-cookie')
                if cookies:
                    del headers['set-cookie']
                    for cookie in cookies:
                        secure = 'secure' in (part.strip().lower() for part in cookie.split(';')[1:])
                        headers.append('set-cookie', cookie if secure else f'{cookie}; secure')
            await send(message)

        await self.app(scope, receive, send_secure)


def secure_cookies_over_https(app: Starlette) -> None:
    """Wrap `app`'s middleware stack (NiceGUI adds its session middleware only when the server starts)."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecureCookies(build())
