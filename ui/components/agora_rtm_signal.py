"""The Agora RTM 1.x client of one tab: login, online status and call invitations; Python decides what they mean."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui


class AgoraRtmSignal(ui.element, component='agora_rtm_signal.js', dependencies=['agora_rtm_script.js']):
    def __init__(self, *, app_id: str, sdk_url: str, uid: str, handlers: dict[str, Callable[[Any], None]]) -> None:
        """`handlers` maps each event the component emits to a function taking the event's arguments.

        Events: state ({state, reason}), logged-in, login-failed ({reason}), presence ({uid: ONLINE|...}),
        token-will-expire, invitation-received ({call_id, caller, channel}),
        invitation ({call_id, side: local|remote, event, detail}).
        """
        super().__init__()
        self.props.update({'app-id': app_id, 'sdk-url': sdk_url, 'uid': uid})
        for event, handler in handlers.items():  # all listeners now: a later .on() would re-mount the component
            self.on(event, lambda e, handler=handler: handler(e.args))
