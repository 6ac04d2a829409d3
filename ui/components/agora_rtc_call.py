"""Agora-mode media: the call's channel on Agora RTC, joined with a token this server mints for the two parties."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from backend.agora_credentials import CredentialRefused, RtcGrant

from .call_media_element import CallMediaElement

log = logging.getLogger(__name__)


class AgoraRtcCall(CallMediaElement, component='agora_rtc_call.js'):
    """Also reports `ready`, `token-will-expire` (`screen-token-will-expire` for the shared screen's client),
    `screen-picked` (a screen was chosen: its client needs a token), `connect-failed` and `peer-left`."""
    VIDEO_TAG = 'div'  # the SDK plays each track into a container of its own

    def __init__(self, *, sdk_url: str, grant: Callable[[], RtcGrant], screen_grant: Callable[[], RtcGrant],
                 screen_uids: tuple[str | int, str | int], publish: bool, join_now: bool,
                 on_peer_left: Callable[[str], None], **common: Any) -> None:
        """`screen_grant` is the token of this user's shared screen, which joins the channel as a client of its own
        (`screen_uids`: this user's screen's uid and the peer's). `publish`: publish camera and microphone once
        joined; False: only at the reveal (a ringing callee: the caller's media arrives but is not shown).
        `join_now`: False: only preload the channel and join at the reveal. `common` are the arguments of every
        CallMediaElement."""
        super().__init__(**common)
        self.props['sdk-url'] = sdk_url
        self.props['screen-uid'], self.props['peer-screen-uid'] = screen_uids
        self.props['join-now'] = join_now
        self._grant = grant
        self._screen_grant = screen_grant
        self._publish = publish
        self.channel = ''  # the channel joined (or preloaded); '' until the component is ready
        self.on('ready', self._join)
        self.on('token-will-expire', lambda: self._renew(self._grant, 'renewToken'))
        self.on('screen-token-will-expire', lambda: self._renew(self._screen_grant, 'renewScreenToken'))
        self.on('screen-picked', self._publish_screen)
        self.on('connect-failed', lambda event: self._connect_failed(str(event.args.get('reason', ''))))
        self.on('peer-left', lambda event: on_peer_left(str(event.args.get('reason', ''))))

    def _join(self) -> None:
        try:
            grant = self._grant()
        except CredentialRefused as refusal:
            self._connect_failed(str(refusal))
            return
        self.channel = grant.channel
        self.run_method('join', grant.app_id, grant.channel, grant.token, grant.uid, self._publish)

    def answered(self) -> None:
        super().answered()
        self._publish = True  # `reveal` published

    def _publish_screen(self) -> None:
        try:
            grant = self._screen_grant()
        except CredentialRefused as refusal:
            self.run_method('stopScreen')
            log.info('no screen token: %s', refusal)
            return
        self.run_method('publishScreen', grant.app_id, grant.channel, grant.token, grant.uid)

    def _renew(self, grant_of: Callable[[], RtcGrant], method: str) -> None:
        try:
            grant = grant_of()
        except CredentialRefused as refusal:  # the call is over: let the token lapse
            log.info('no token renewal: %s', refusal)
            return
        self.run_method(method, grant.token)
