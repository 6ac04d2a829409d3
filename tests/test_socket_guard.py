"""ui/socket_guard.py: only the socket that owns a page acts on it, and only this app's pages open sockets.

The first tests fail when a NiceGUI release changes what the guard relies on (then read ui/socket_guard.py
against the new nicegui/nicegui.py); the others replay the attacks against the real server with scripted clients.
"""
from __future__ import annotations

import asyncio
import inspect

import engineio
import nicegui.nicegui
import pytest
import socketio
from nicegui import core

from bench.nicegui_client import SOCKET_PATH, Tab, http_session, open_dashboard, register
from ui.socket_guard import GUARDED, OriginCheck, SocketGuardError, guard_sockets

# --- what NiceGUI must still be for the guard to hold -------------------------------------------------------

def test_nicegui_names_the_page_in_every_guarded_message():
    for name in GUARDED:
        handler = getattr(nicegui.nicegui, f'_on_{name}')
        assert list(inspect.signature(handler).parameters)[1] == 'msg'
        assert "Client.instances.get(msg['client_id'])" in inspect.getsource(handler), name
        assert not inspect.iscoroutinefunction(handler), name


def test_nicegui_joins_the_owning_socket_to_a_room_named_after_the_page():
    source = inspect.getsource(nicegui.nicegui._on_handshake)
    assert 'client.accept_handshake(sid' in source
    assert 'await sio.enter_room(sid, client.id)' in source


def test_nicegui_registers_its_handlers_on_the_one_socket_server():
    handlers = core.sio.handlers['/']
    for name in GUARDED:
        found = handlers[name]
        assert getattr(found, '__wrapped__', found) is getattr(nicegui.nicegui, f'_on_{name}')


def test_engineio_asks_a_callable_for_each_origin():
    source = inspect.getsource(engineio.base_server.BaseServer._cors_allowed_origins)
    assert 'callable(self.cors_allowed_origins)' in source
    assert 'self.cors_allowed_origins(origin, environ)' in source


@pytest.fixture
def restored_handlers():
    handlers = dict(core.sio.handlers['/'])
    origins = core.sio.eio.cors_allowed_origins
    yield
    core.sio.handlers['/'] = handlers
    core.sio.eio.cors_allowed_origins = origins


def test_the_guard_wraps_each_handler_once_and_refuses_foreign_ones(restored_handlers):
    guard_sockets(('https://calls.example.com',))
    guard_sockets(('https://calls.example.com',))  # the app started again in one process (the simulated user)
    for name in GUARDED:
        guarded = core.sio.handlers['/'][name]
        assert guarded.__name__ == f'guarded_{name}'
        assert guarded.__wrapped__ is getattr(nicegui.nicegui, f'_on_{name}')
    core.sio.handlers['/']['event'] = lambda sid, msg: None
    with pytest.raises(SocketGuardError, match='"event"'):
        guard_sockets()


def test_the_origin_check():
    check = OriginCheck(['https://calls.example.com'])
    environ = {'HTTP_HOST': 'localhost:8080'}
    assert check(None, environ)  # not a browser
    assert check('http://localhost:8080', environ)
    assert check('https://localhost:8080', environ)  # TLS ended at a proxy that kept the Host
    assert check('https://calls.example.com', environ)
    assert check('https://CALLS.example.com', environ)
    assert check('https://calls.example.com', {'HTTP_HOST': '127.0.0.1:8080',
                                               'HTTP_X_FORWARDED_HOST': 'calls.example.com'})
    assert not check('http://evil.example', environ)
    assert not check('http://localhost:8081', environ)
    assert not check('null', environ)


# --- the attacks, against the real server --------------------------------------------------------------------

async def test_another_users_socket_cannot_act_on_a_page(start_app):
    """Before: a signed-in user's socket that learned alice's client_id cancelled alice's call."""
    app = start_app()
    async with http_session() as http:
        alice = await open_dashboard(app.url, http, 'alice', await register(app.url, http, 'alice'))
        bob = await open_dashboard(app.url, http, 'bob', await register(app.url, http, 'bob'))
        carol = await open_dashboard(app.url, http, 'carol', await register(app.url, http, 'carol'))
        try:
            await alice.click('user-bob')
            await alice.wait_for(lambda tab: tab.has('cancel-call'), what='the ringing panel')
            await bob.wait_for(lambda tab: tab.has('incoming-call'), what='the ringing banner')
            element_id, element = alice.find('cancel-call')
            [listener] = [listener for listener in element['events'] if listener['type'] == 'click']
            forged = {'id': element_id, 'client_id': alice.client_id, 'listener_id': listener['listener_id'],
                      'args': []}
            await carol.sio.emit('event', forged)  # alice's cancel button, clicked from carol's socket
            await asyncio.sleep(1.0)  # time for the cancel to reach bob, had it been taken
            assert alice.has('outgoing-call') and bob.has('incoming-call')
            assert 'not the socket of that page' in app.log()
            await alice.sio.emit('event', forged)  # the same message from alice's own socket is hers
            await bob.wait_for(lambda tab: tab.text('call-notice') == 'alice cancelled · missed call',
                               what='the cancel')
        finally:
            for tab in (alice, bob, carol):
                await tab.close()


async def connects(url: str, origin: str) -> bool:
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(url, transports=['websocket'], socketio_path=SOCKET_PATH, headers={'Origin': origin},
                             wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return False
    await client.disconnect()
    return True


async def test_only_the_apps_own_pages_open_sockets(start_app):
    """Before: the socket server accepted any Origin."""
    app = start_app(ALLOWED_ORIGINS='https://calls.example.com')
    assert await connects(app.url, app.url)  # the app's own page
    assert await connects(app.url, 'https://calls.example.com')  # ALLOWED_ORIGINS, e.g. a proxy's public name
    assert not await connects(app.url, 'http://evil.example')
    assert not await connects(app.url, 'http://127.0.0.1:1')  # another app on this host
    async with http_session() as http:  # and a page from elsewhere cannot even load a socket to click with
        tab = Tab(app.url, http, name='anyone')
        tab.headers = {'Origin': 'http://evil.example'}
        with pytest.raises(socketio.exceptions.ConnectionError):
            await tab.open('/login')
        await tab.close()
