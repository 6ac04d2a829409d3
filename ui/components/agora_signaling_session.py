"""Agora Signaling 2.x for one tab: keeps the session up and says plainly when it is not.

It logs in as the account's numeric id (CallAPI's user ids) with an RTM token minted here for that id only, renews
the token before it expires, follows the presence of the app's people, and carries the user-channel messages of
agora_signaling.py (which decides what they mean).

Presence: every ringboard tab is present in one channel. A CallAPI app is in no channel of ringboard's; CallAPI
2.x's own presence (CallRtmManager.joinChannel of its Android and iOS kits) is the app subscribed with presence to a
message channel named its own user id, so each tab also watches, quietly, the own-id channels of the people it
lists. Someone is online while present in either.
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
    def __init__(self, credentials: AgoraCredentials, sdk_url: str, me: str, my_id: int, *, peers: list[str],
                 username_of: Callable[[str], str | None], id_of: Callable[[str], int | None],
                 on_online: Callable[[dict[str, bool]], None]) -> None:
        self._credentials = credentials
        self._me = me
        self._uid = str(my_id)
        self._username_of = username_of  # an Agora user id -> the account's username, or None
        self._id_of = id_of  # a username -> the account's numeric id (its Agora user id), or None
        self._on_online = on_online
        self.connected = False
        self._present: dict[str, set[str]] = {}  # channel -> who Agora reports present there
        self._online: set[str] = set()  # present in any channel
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
        self.watch(peers)

    def watch(self, users: list[str]) -> None:
        """Follow these people's own-id channels too (the browser side keeps them across re-logins)."""
        ids = [str(number) for user in users if (number := self._id_of(user)) is not None and str(number) != self._uid]
        if ids:
            self.client.run_method('watch', ids)

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
        channel = str(args.get('channel', ''))
        states = args.get('states') if isinstance(args.get('states'), dict) else {}
        if channel != PRESENCE_CHANNEL:  # someone's own-id channel: only its owner counts there
            states = {uid: state for uid, state in states.items() if uid == channel}
        present = self._present.setdefault(channel, set())
        if args.get('snapshot'):  # the channel's members now: everyone else is not there
            present.clear()
        for uid, state in states.items():
            if (name := self._username_of(uid)) is not None:
                (present.add if state == 'ONLINE' else present.discard)(name)
        online = set().union(*self._present.values())
        changes = {user: user in online for user in online ^ self._online}
        self._online = online
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
