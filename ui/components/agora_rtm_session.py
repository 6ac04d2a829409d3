"""Agora RTM 1.x for one tab: keeps the RTM session up and says plainly when it is not.

It logs in with an RTM token minted here for the user's own id, renews the token before it expires, reports the
peers' online status, and carries the call invitations of agora_rtm_signaling.py (which decides what they mean).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from backend.agora_credentials import AgoraCredentials
from backend.call_registry import CallKind
from backend.presence import BUSY, OFFLINE, ONLINE

from .agora_rtm_signal import AgoraRtmSignal
from .signaling_banner import SignalingBanner

log = logging.getLogger(__name__)


class AgoraRtmSession:
    def __init__(self, credentials: AgoraCredentials, sdk_url: str, me: str, *, peers: list[str],
                 on_online: Callable[[dict[str, bool]], None]) -> None:
        self._credentials = credentials
        self._me = me
        self._on_online = on_online
        self.connected = False
        self._online: dict[str, bool] = {}  # as Agora reports it
        # Set by AgoraRtmSignaling: (call_id, caller, channel, kind) and (call_id, side, event, detail).
        self.on_invitation: Callable[[str, str, str, str], None] = lambda *_: None
        self.on_invitation_event: Callable[[str, str, str, str], None] = lambda *_: None
        self._show = SignalingBanner(on_click=self.log_in).show
        self._show('Connecting to Agora signaling…')
        self.rtm = AgoraRtmSignal(app_id=credentials.app_id, sdk_url=sdk_url, uid=me, handlers={
            'state': self._state_changed,
            'logged-in': lambda _: self._show(''),
            'login-failed': lambda args: self._show(f'Cannot reach Agora signaling ({args.get("reason", "")}). '
                                                    'Calls cannot ring here.', 'Retry'),
            'presence': self._presence,
            'token-will-expire': lambda _: self._renew(),
            'invitation-received': lambda args: self.on_invitation(args['call_id'], args['caller'], args['channel'],
                                                                   str(args.get('kind'))),
            'invitation': lambda args: self.on_invitation_event(args['call_id'], args['side'], args['event'],
                                                                str(args.get('detail') or '')),
        })
        self.watch(peers)

    def _token(self) -> str:
        return self._credentials.rtm(self._me, self._me)

    def log_in(self) -> None:
        """Start (or retry) the RTM session; call it once the tab's websocket is connected."""
        self._show('Connecting to Agora signaling…')
        self.rtm.run_method('login', self._token())

    def watch(self, users: list[str]) -> None:
        """Follow these users' online status (the browser side keeps following them across re-logins)."""
        if users:
            self.rtm.run_method('subscribe', users)

    def _state_changed(self, args: dict) -> None:
        state, reason = args.get('state'), args.get('reason')
        self.connected = state == 'CONNECTED'
        if state == 'CONNECTED':
            self._show('')
        elif state == 'RECONNECTING':
            self._show('Reconnecting to Agora signaling…')
        elif state == 'ABORTED' and reason == 'REMOTE_LOGIN':
            self._show('Your account is open in another tab or window, and calls now ring there.', 'Use this tab')
        elif state in {'ABORTED', 'DISCONNECTED'} and reason not in {'LOGOUT', 'LOGIN'}:
            self._show(f'Disconnected from Agora signaling ({reason}). Calls cannot ring here.', 'Reconnect')

    def _presence(self, states: dict) -> None:
        # UNREACHABLE is a peer whose connection is failing: calls would not reach them, so it shows as offline.
        changes = {user: state == 'ONLINE' for user, state in states.items()}
        self._online.update(changes)
        self._on_online(changes)

    def status(self, user: str, busy: bool) -> str:
        """The directory badge: busy from this server (it opens every call), online or offline from Agora."""
        return BUSY if busy else ONLINE if self._online.get(user) else OFFLINE

    def _renew(self) -> None:
        if self.connected:  # renewing while ABORTED never settles in RTM 1.5.1
            self.rtm.run_method('renewToken', self._token())

    async def is_online(self, user: str) -> bool | None:
        """Ask Agora whether `user` is logged in; None when signaling itself is down."""
        if not self.connected:
            return None
        try:
            result = await self.rtm.run_method('queryOnline', [user], timeout=5)
        except TimeoutError:
            log.warning('queryPeersOnlineStatus did not answer')
            return None
        return bool(result.get(user))

    def invite(self, callee: str, call_id: str, channel: str, kind: CallKind) -> None:
        self.rtm.run_method('invite', callee, call_id, channel, kind.value)

    def cancel(self, call_id: str) -> None:
        self.rtm.run_method('cancel', call_id)

    def accept(self, call_id: str) -> None:
        self.rtm.run_method('accept', call_id)

    def refuse(self, call_id: str, response: str) -> None:
        self.rtm.run_method('refuse', call_id, response)

    def forget(self, call_id: str) -> None:
        self.rtm.run_method('forget', call_id)
