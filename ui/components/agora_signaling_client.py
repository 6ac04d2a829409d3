"""The Agora Signaling 2.x client of one tab: login, presence and user-channel messages; Python decides what they
mean."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui


class AgoraSignalingClient(ui.element, component='agora_signaling_client.js', dependencies=['agora_rtm_script.js']):
    def __init__(self, *, app_id: str, sdk_url: str, uid: str, presence_channel: str, presence_timeout: int,
                 handlers: dict[str, Callable[[Any], None]]) -> None:
        """`handlers` maps each event the component emits to a function taking the event's arguments.

        Events: state ({state, reason}), logged-in, login-failed ({reason}), presence ({states: {uid: ONLINE|OFFLINE},
        snapshot}), token-will-expire, message ({publisher, text}: a user-channel message to this user).
        """
        super().__init__()
        self.props.update({'app-id': app_id, 'sdk-url': sdk_url, 'uid': uid, 'presence-channel': presence_channel,
                           'presence-timeout': presence_timeout})
        for event, handler in handlers.items():  # all listeners now: a later .on() would re-mount the component
            self.on(event, lambda e, handler=handler: handler(e.args))
