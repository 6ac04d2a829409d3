"""The signaling floor: a bare python-socketio relay that only forwards a message from one client to others.

It runs on the same stack as NiceGUI's socket (python-socketio ASGI app under uvicorn with `ws='wsproto'`,
uvloop, orjson), so the difference to the app is what the app does per message, not the transport.
It also serves the call-setup floor page (bench/static/call_floor.html) and NiceGUI's own socket.io client.

Server: `python -m bench.relay_floor` (PORT and HOST from the environment). A client connects with
`?name=<user>` and sends `relay` messages `{to: [names], payload: {...}}`; each named client receives `payload`
as a `relay` message. A client that connects with `&announce=1` is the presence floor: its connect and its
disconnect are broadcast at once to every other client as `{kind: 'presence', user, status}`, one message per
change per client (no batching, no reconnect window).
"""
from __future__ import annotations

import asyncio
import importlib.util
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import aiohttp
import socketio

from .app_process import ScriptServer, new_data_dir
from .nicegui_client import OrjsonCodec

STATIC = Path(__file__).resolve().parent / 'static'


def create_app() -> socketio.ASGIApp:
    # The socket.io client NiceGUI ships, found without importing NiceGUI (nothing of it runs here).
    socket_io_js = Path(importlib.util.find_spec('nicegui').origin).parent / 'static' / 'socket.io.min.js'
    sio = socketio.AsyncServer(async_mode='asgi', cors_allowed_origins='*', json=OrjsonCodec)
    sids: dict[str, str] = {}

    @sio.on('connect')
    async def connect(sid: str, environ: dict, _auth: Any = None) -> None:
        query = parse_qs(environ.get('QUERY_STRING', ''))
        name = query.get('name', [sid])[0]
        announce = query.get('announce', ['0'])[0] == '1'
        sids[name] = sid
        await sio.save_session(sid, {'name': name, 'announce': announce})
        if announce:
            await sio.emit('relay', {'kind': 'presence', 'user': name, 'status': 'online'}, skip_sid=sid)

    @sio.on('disconnect')
    async def disconnect(sid: str, _reason: Any = None) -> None:
        session = await sio.get_session(sid)
        name = session.get('name')
        if sids.get(name) == sid:
            del sids[name]
        if session.get('announce'):
            await sio.emit('relay', {'kind': 'presence', 'user': name, 'status': 'offline'}, skip_sid=sid)

    @sio.on('relay')
    async def relay(_sid: str, message: dict) -> None:
        for name in message['to']:
            target = sids.get(name)
            if target is not None:
                await sio.emit('relay', message['payload'], to=target)

    return socketio.ASGIApp(sio, static_files={
        '/': {'filename': str(STATIC / 'call_floor.html'), 'content_type': 'text/html'},
        '/socket.io.min.js': {'filename': str(socket_io_js), 'content_type': 'text/javascript'},
    })


def start_relay() -> ScriptServer:
    """The relay in its own process, like the app (it must not share the benchmark's CPU or event loop)."""
    return ScriptServer(['-m', 'bench.relay_floor'], new_data_dir('relay'), ready_path='/socket.io.min.js')


class RelayTab:
    """A synthetic client of the relay with the same waiting API as `nicegui_client.Tab`."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, name: str, announce: bool = False) -> None:
        self.base_url = base_url.rstrip('/')
        self.http = http
        self.name = name
        self.announce = announce
        self.on_message: Callable[[RelayTab, dict, float], None] | None = None
        self.connecting_at = 0.0
        self.messages = 0
        self.last: dict = {}
        self._waiters: list[tuple[Callable[[dict], bool], asyncio.Future[float]]] = []
        self.sio: socketio.AsyncClient | None = None

    async def open(self, timeout: float = 60) -> None:
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, json=OrjsonCodec, http_session=self.http,
                                   request_timeout=120)
        sio.on('relay', self._receive)
        query = urlencode({'name': self.name, 'announce': int(self.announce)})
        self.connecting_at = time.perf_counter()
        await sio.connect(f'{self.base_url}?{query}', transports=['websocket'],
                          wait_timeout=timeout)
        self.sio = sio

    async def close(self) -> None:
        if self.sio is not None:
            await self.sio.disconnect()

    def _receive(self, payload: dict) -> None:
        now = time.perf_counter()
        self.messages += 1
        self.last = payload
        if self._waiters:
            waiting = []
            for predicate, future in self._waiters:
                if future.done():
                    continue
                if predicate(payload):
                    future.set_result(now)
                else:
                    waiting.append((predicate, future))
            self._waiters = waiting
        if self.on_message is not None:
            self.on_message(self, payload, now)

    async def send(self, to: list[str], payload: dict) -> float:
        sent = time.perf_counter()
        await self.sio.emit('relay', {'to': to, 'payload': payload})
        return sent

    def expect(self, predicate: Callable[[dict], bool]) -> asyncio.Future[float]:
        """A future for the receive time of the first message for which `predicate(payload)` holds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future


def main() -> None:
    import uvicorn

    # The same server settings as NiceGUI's ui.run: uvicorn, wsproto websockets, default (uv)loop.
    uvicorn.run(create_app(), host=os.environ.get('HOST', '127.0.0.1'), port=int(os.environ['PORT']),
                ws='wsproto', log_level='warning')


if __name__ == '__main__':
    main()
