"""Agora-mode media: the call's channel on Agora RTC, joined with a token this server mints for the two parties."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from backend.agora_credentials import CredentialRefused, RtcGrant

from .call_media_element import CallMediaElement

log = logging.getLogger(__name__)


class AgoraRtcCall(CallMediaElement, component='agora_rtc_call.js'):
    """Also reports `ready`, `token-will-expire`, `connect-failed` and `peer-left`."""
    VIDEO_TAG = 'div'  # the SDK plays each track into a container of its own

    def __init__(self, *, sdk_url: str, grant: Callable[[], RtcGrant], publish: bool, join_now: bool,
                 on_peer_left: Callable[[str], None], **common: Any) -> None:
        """`publish`: publish camera and microphone once joined; False: only at `answered` (a ringing callee: the
        caller's media arrives but is not shown). `join_now`: False: only preload the channel and join at
        `answered`. `common` are the arguments of every CallMediaElement."""
        super().__init__(**common)
        self.props['sdk-url'] = sdk_url
        self._grant = grant
        self._publish = publish
        self._join_now = join_now
        self.channel = ''  # the channel joined (or preloaded); '' until the component is ready
        self.on('ready', self._join)
        self.on('token-will-expire', self._renew)
        self.on('connect-failed', lambda event: self._connect_failed(str(event.args.get('reason', ''))))
        self.on('peer-left', lambda event: on_peer_left(str(event.args.get('reason', ''))))

    def _join(self) -> None:
        try:
            grant = self._grant()
        except CredentialRefused as refusal:
            self._connect_failed(str(refusal))
            return
        self.channel = grant.channel
        self.run_method('join', grant.app_id, grant.channel, grant.token, grant.uid, self._publish, self._join_now)

    def answered(self) -> None:
        super().answered()
        if not self._publish:
            self._publish = True
            self.run_method('publish')

    def _renew(self) -> None:
        try:
            grant = self._grant()
        except CredentialRefused as refusal:  # the call is over: let the token lapse
            log.info('no token renewal: %s', refusal)
            return
        self.run_method('renewToken', grant.token)
