"""Embedded-mode media: a peer-to-peer WebRTC connection whose signals Python relays between the two tabs."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


class WebRtcCall(ui.element, component='webrtc_call.js'):
    """Reports `ready`, `signal`, `connected`, `lost`, `failed` and `state`; Python decides what they mean."""
    VIDEO_TAG = 'video'

    def __init__(self, *, ice_servers: list[dict], polite: bool, local_video_id: str, remote_video_id: str,
                 on_signal: Callable[[dict], None], on_connected: Callable[[], None], on_lost: Callable[[], None],
                 on_failed: Callable[[str], None]) -> None:
        super().__init__()
        self.props['ice-servers'] = ice_servers
        self.props['polite'] = polite
        self.props['local-video'] = local_video_id
        self.props['remote-video'] = remote_video_id
        self._ready = False
        self._inbox: list[dict] = []  # signals that arrived before the browser side was mounted
        self.on('ready', self._flush)
        self.on('signal', lambda event: on_signal(event.args))
        self.on('connected', lambda: on_connected())
        self.on('lost', lambda: on_lost())
        self.on('failed', lambda event: on_failed(str(event.args.get('reason', ''))))

    def show_in(self, local_video_id: str, remote_video_id: str) -> None:
        """Play into these video elements from now on (the caller's media moves from the ringing panel to the call)."""
        self._props.update({'local-video': local_video_id, 'remote-video': remote_video_id})

    def deliver(self, signal: dict) -> None:
        if self._ready:
            self.run_method('applySignal', signal)
        else:
            self._inbox.append(signal)

    def _flush(self) -> None:
        self._ready = True
        for signal in self._inbox:
            self.run_method('applySignal', signal)
        self._inbox.clear()

    def set_enabled(self, kind: str, enabled: bool) -> None:
        """Mute or unmute `audio`, hide or show `video` (the track keeps running, so unmuting is instant)."""
        self.run_method('setTrackEnabled', kind, enabled)

    async def devices(self) -> list[dict]:
        return await self.run_method('listDevices', timeout=5)

    def use_device(self, kind: str, device_id: str) -> None:
        self.run_method('useDevice', kind, device_id)
