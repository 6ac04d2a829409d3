"""Agora Signaling 2.x for one tab: keeps the session up and says plainly when it is not.

It logs in as the account's numeric id (CallAPI's user ids) with an RTM token minted here for that id only, renews
the token before it expires, follows the presence of the app's people, and carries the user-channel messages of
agora_signaling.py (which decides what they mean).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from backend.agora_credentials import AgoraCredentials
from backend.presence import BUSY, OFFLINE, ONLINE

from .agora_signaling_client import AgoraSignalingClient
from .signaling_banner import SignalingBanner

log = logging.getLogger(__name__)

PRESENCE_CHANNEL = 'ringboard-presence'  # every tab subscribes with presence; Agora names cannot contain '.'
PRESENCE_TIMEOUT = 10  # seconds before Agora reports a vanished (not logged-out) session as gone; default 300
SEND_TIMEOUT = 10.0


class AgoraSignalingSession:
    def __init__(self, credentials: AgoraCredentials, sdk_url: str, me: str, my_id: int, *,
                 username_of: Callable[[str], str | None], on_online: Callable[[dict[str, bool]], None]) -> None:
        self._credentials = credentials
        self._me = me
        self._uid = str(my_id)
        self._username_of = username_of  # an Agora user id -> the account's username, or None
        self._on_online = on_online
        self.connected = False
        self._online: set[str] = set()  # as Agora reports it
        self.on_message: Callable[[str, str], Awaitable[None] | None] = lambda *_: None  # (publisher, text)
        self._show = SignalingBanner(on_click=self.log_in).show
        self._show('Connecting to Agora signaling…')
        self.client = AgoraSignalingClient(
            app_id=credentials.app_id, sdk_url=sdk_url, uid=self._uid, presence_channel=PRESENCE_CHANNEL,
            presence_timeout=PRESENCE_TIMEOUT, handlers={
                'state': self._state_changed,
                'logged-in': lambda _: self._logged_in(),
                'login-failed': lambda args: self._login_failed(str(args.get('reason', ''))),
                'presence': self._presence,
                'token-will-expire': lambda _: self._renew(),
                'message': lambda args: self.on_message(str(args.get('publisher', '')), args.get('text')),
            })

    def watch(self, users: list[str]) -> None:
        """Nothing to do per person: presence comes from the one channel every tab subscribes to."""

    def _token(self) -> str:
        return self._credentials.rtm(self._uid, self._uid)

    def log_in(self) -> None:
        """Start (or retry) the session; call it once the tab's websocket is connected."""
        self.connected = False
        self._show('Connecting to Agora signaling…')
        self.client.run_method('login', self._token())

    def _logged_in(self) -> None:
        self.connected = True
        self._show('')

    def _login_failed(self, reason: str) -> None:
        self.connected = False
        self._show(f'Cannot reach Agora signaling ({reason}). Calls cannot ring here.', 'Retry')

    def _state_changed(self, args: dict) -> None:
        state, reason = args.get('state'), args.get('reason')
        if not self.connected and state != 'CONNECTED':
            return  # while logging in, the outcome of login() says what happened
        if state == 'CONNECTED':
            self._logged_in()
        elif reason == 'SAME_UID_LOGIN':
            self.connected = False
            self._show('Your account is open in another tab or window, and calls now ring there.', 'Use this tab')
        elif state in {'CONNECTING', 'SUSPENDED'}:
            self._show('Reconnecting to Agora signaling…')
        elif state in {'DISCONNECTED', 'FAILED'} and reason != 'LOGOUT':
            self.connected = False
            self._show(f'Disconnected from Agora signaling ({reason}). Calls cannot ring here.', 'Reconnect')

    def _presence(self, args: dict) -> None:
        states = args.get('states') if isinstance(args.get('states'), dict) else {}
        online = {name for uid, state in states.items() if state == 'ONLINE' and (name := self._username_of(uid))}
        offline = {name for uid, state in states.items() if state != 'ONLINE' and (name := self._username_of(uid))}
        if args.get('snapshot'):  # the channel's members now: everyone else is not there
            offline |= self._online - online
        changes = {**dict.fromkeys(offline, False), **dict.fromkeys(online, True)}
        changes = {user: up for user, up in changes.items() if (user in self._online) != up}
        self._online |= {user for user, up in changes.items() if up}
        self._online -= {user for user, up in changes.items() if not up}
        if changes:
            self._on_online(changes)

    def status(self, user: str, busy: bool) -> str:
        """The directory badge: busy from this server (it opens every call), online or offline from Agora."""
        return BUSY if busy else ONLINE if user in self._online else OFFLINE

    def _renew(self) -> None:
        if self.connected:
            self.client.run_method('renewToken', self._token())

    async def send(self, user_id: str, text: str) -> str | None:
        """Publish `text` to `user_id`'s user channel; the reason when it failed (e.g. that user is offline)."""
        try:
            result = await self.client.run_method('send', user_id, text, timeout=SEND_TIMEOUT)
        except TimeoutError:
            return 'no answer from the page'
        if isinstance(result, dict) and result.get('ok'):
            return None
        return str(result.get('reason') if isinstance(result, dict) else 'unknown error')
