"""Agora-mode media: the call's channel on Agora RTC, joined with a token this server mints for the two parties."""
from __future__ import annotations

import logging
from collections.abc import Callable

from nicegui import ui

from backend.agora_credentials import CredentialRefused, RtcGrant

log = logging.getLogger(__name__)


class AgoraRtcCall(ui.element, component='agora_rtc_call.js'):
    VIDEO_TAG = 'div'  # the SDK plays each track into a container of its own

    def __init__(self, *, sdk_url: str, local_video_id: str, remote_video_id: str,
                 grant: Callable[[], RtcGrant], on_connected: Callable[[], None], on_lost: Callable[[], None],
                 on_failed: Callable[[str], None], on_connect_failed: Callable[[str], None],
                 on_peer_left: Callable[[str], None], on_peer_media: Callable[[str, bool], None],
                 on_quality: Callable[[int, int], None]) -> None:
        super().__init__()
        self.props['sdk-url'] = sdk_url
        self.props['local-video'] = local_video_id
        self.props['remote-video'] = remote_video_id
        self._grant = grant
        self._on_connect_failed = on_connect_failed
        self.on('ready', self._join)
        self.on('token-will-expire', self._renew)
        self.on('connected', lambda: on_connected())
        self.on('lost', lambda: on_lost())
        self.on('failed', lambda event: on_failed(str(event.args.get('reason', ''))))
        self.on('connect-failed', lambda event: on_connect_failed(str(event.args.get('reason', ''))))
        self.on('peer-left', lambda event: on_peer_left(str(event.args.get('reason', ''))))
        self.on('peer-media', lambda event: on_peer_media(str(event.args['kind']), bool(event.args['on'])))
        self.on('quality', lambda event: on_quality(int(event.args['up']), int(event.args['down'])))

    def _join(self) -> None:
        try:
            grant = self._grant()
        except CredentialRefused as refusal:
            self._on_connect_failed(str(refusal))
            return
        self.run_method('join', grant.app_id, grant.channel, grant.token, grant.uid)

    def _renew(self) -> None:
        try:
            grant = self._grant()
        except CredentialRefused as refusal:  # the call is over: let the token lapse
            log.info('no token renewal: %s', refusal)
            return
        self.run_method('renewToken', grant.token)

    def set_enabled(self, kind: str, enabled: bool) -> None:
        self.run_method('setTrackEnabled', kind, enabled)

    async def devices(self) -> list[dict]:
        return await self.run_method('listDevices', timeout=5)

    def use_device(self, kind: str, device_id: str) -> None:
        self.run_method('useDevice', kind, device_id)
