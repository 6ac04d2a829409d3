"""Only the socket that owns a page acts on it, and only pages of this app open sockets.

NiceGUI's socket.io handlers (`_on_event`, `_on_javascript_response`, `_on_ack`, `_on_log` in nicegui/nicegui.py)
find the page by the `client_id` inside each message and do not ask which socket sent it: a socket that learned
another page's client id could click its buttons. The socket that owns a page is the one NiceGUI's handshake put
into the page's room (named after the client id, `_on_handshake`): each handler here first checks that the
sender is in that room, the check a fix in NiceGUI's own handlers would make. A page whose sign-in has ended
(`may_act`) gets no events at all.

NiceGUI's socket server also accepts any `Origin`; here it accepts the page's own host and `ALLOWED_ORIGINS`.

This is a security guard, not a tuning: it is always on (NICEGUI_TUNING=off does not touch it), and it refuses to
start on a NiceGUI whose handlers are not the ones it wraps. tests/test_socket_guard.py fails when a NiceGUI
release changes them.
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from nicegui import core

log = logging.getLogger(__name__)

GUARDED = ('event', 'javascript_response', 'ack', 'log')  # every message that names its page by client_id
NAMESPACE = '/'


class SocketGuardError(RuntimeError):
    """The installed NiceGUI does not have the socket handlers this guard wraps."""


def guard_sockets(allowed_origins: Iterable[str] = (),
                  may_act: Callable[[str], bool] = lambda _client_id: True) -> None:
    """Wrap NiceGUI's message handlers with the owner check and restrict the socket server's origins."""
    handlers = core.sio.handlers.get(NAMESPACE, {})
    for name in GUARDED:
        handler = handlers.get(name)
        handler = getattr(handler, '__wrapped__', handler)  # guarded before (the app started again in one process)
        if getattr(handler, '__module__', None) != 'nicegui.nicegui' or handler.__name__ != f'_on_{name}' or \
                inspect.iscoroutinefunction(handler):
            raise SocketGuardError(f'NiceGUI\'s socket handler for "{name}" is not the one ringboard guards '
                                   f'(found {handler!r}): check ui/socket_guard.py against this NiceGUI version')
        core.sio.on(name, _owned_only(name, handler, may_act if name == 'event' else None), namespace=NAMESPACE)
    core.sio.eio.cors_allowed_origins = OriginCheck(allowed_origins)


def owns(sid: str, client_id: Any) -> bool:
    """Whether socket `sid` is the one NiceGUI's handshake joined to the page `client_id`."""
    return isinstance(client_id, str) and any(member == sid for member, _ in
                                              core.sio.manager.get_participants(NAMESPACE, client_id))


def _owned_only(name: str, handler: Callable, may_act: Callable[[str], bool] | None) -> Callable:
    def guarded(sid: str, msg: Any) -> Any:
        client_id = msg.get('client_id') if isinstance(msg, dict) else None
        if not owns(sid, client_id):
            log.warning('refused a "%s" message for page %.40r from socket %s: not the socket of that page',
                        name, client_id, sid)
            return None
        if may_act is not None and not may_act(client_id):
            return None  # the page's sign-in ended: it is being sent to /login
        return handler(sid, msg)
    guarded.__name__ = f'guarded_{name}'
    guarded.__wrapped__ = handler
    return guarded


class OriginCheck:
    """engine.io's `cors_allowed_origins` as a callable: a socket opened by a page served from this host (the
    request's Host, or the X-Forwarded-Host a proxy sets), or from one of `allowed`. A request without an Origin
    header (not a browser) is not asked."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = frozenset(origin.lower() for origin in allowed)

    def __call__(self, origin: str | None, environ: dict) -> bool:
        if origin is None or origin.lower() in self.allowed:
            return True
        parts = urlsplit(origin.lower())
        forwarded = environ.get('HTTP_X_FORWARDED_HOST', '').split(',')[0].strip()
        hosts = {environ.get('HTTP_HOST', '').lower(), forwarded.lower()} - {''}
        allowed = parts.scheme in {'http', 'https'} and parts.netloc in hosts
        if not allowed:
            log.warning('refused a socket from the page origin %.100r (not this app: see ALLOWED_ORIGINS)', origin)
        return allowed
