"""The real server does not drop healthy sockets when it is busy for a few seconds."""
from __future__ import annotations

import json
import urllib.request

from ui.nicegui_tuning.ping_timeout import PING_TIMEOUT

from .app_server import AppServer


def socket_handshake(app: AppServer) -> dict:
    """What nicegui.js's socket.io client is told when it opens: an engine.io OPEN packet, "0{...}"."""
    with urllib.request.urlopen(f'{app.url}/_nicegui_ws/socket.io/?EIO=4&transport=polling', timeout=10) as answer:
        packet = answer.read().decode()
    assert packet.startswith('0'), packet
    return json.loads(packet[1:])


def test_the_socket_handshake_allows_a_busy_server_seconds_to_answer(start_app):
    handshake = socket_handshake(start_app())
    assert handshake['pingTimeout'] == PING_TIMEOUT * 1000  # NiceGUI's own would be 2000 ms
    assert handshake['pingInterval'] == 4000  # NiceGUI's: a lost socket is still noticed within seconds


def test_stock_nicegui_keeps_its_own_socket_timeout(start_app):
    assert socket_handshake(start_app(NICEGUI_TUNING='off'))['pingTimeout'] == 2000
