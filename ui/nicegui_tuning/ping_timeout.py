"""NiceGUI's socket ping timeout raised from 2 s to 10 s: a server busy for a few seconds dropped healthy sockets.

NiceGUI derives the timeout from its 3 s reconnect window. A server busy for longer than that (a hundred logins at
once with a thousand dashboards open) then drops healthy sockets, every dropped tab reloads its page and the server
gets busier still: 87 to 1,043 of 1,000 dashboards dropped in such a burst, none with 10 s (bench/presence_burst.py).
A closed tab is still noticed at once; only a silently lost network takes longer.
"""
from __future__ import annotations

from nicegui import App, core

PING_TIMEOUT = 10.0


def lengthen_ping_timeout(app: App) -> None:
    """Set engine.io's ping timeout once the app starts (after NiceGUI has set its own)."""
    app.on_startup(lambda: setattr(core.sio.eio, 'ping_timeout', PING_TIMEOUT))
