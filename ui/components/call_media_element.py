"""What the two kinds of call media share: the video elements they play into, the camera and microphone controls,
and the browser's reports that matter to the call. WebRTC (webrtc_call.py) and Agora RTC (agora_rtc_call.py) add
how they connect."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from nicegui import ui

log = logging.getLogger(__name__)

INPUTS = {'audioinput': 'audio', 'videoinput': 'video'}  # the browser's device kinds the call uses
UNNAMED = {'audio': 'Microphone', 'video': 'Camera'}


class CallMediaElement(ui.element):
    """Reports `connected`, `lost`, `failed`, `peer-media`, `quality`, `camera-failed` (a voice call's camera could
    not be turned on: the call goes on) and `screen` (this browser's screen capture, which its `toggleScreen()` starts
    or stops on a click, in the browser: the picker needs the click's user gesture: `started`, `stopped` by that
    button, `ended` by the browser's own "Stop sharing", `refused` at the picker, or `failed`); Python decides what
    they mean.

    Media started while the call rings (the caller's camera; with instant answer the connection of either side)
    keeps what it reports for the registry, which takes it only once the call is answered, until `answered`.
    It shows the peer only from the accept on, which the browser side sees first (`reveal_at`): the callee's accept
    click (`accept_js`), or on the calling tab the callee's first media; `answered` reveals it too."""
    VIDEO_TAG = 'video'  # the element the call stage plays each video into

    def __init__(self, *, video_call: bool, local_video_id: str, remote_video_id: str, screen_video_id: str,
                 ringing: bool, reveal_at: str, on_connected: Callable[[], None], on_lost: Callable[[], None],
                 on_failed: Callable[[str], None], on_connect_failed: Callable[[str], None],
                 on_peer_media: Callable[[str, bool], None], on_quality: Callable[[int, int], None],
                 on_camera_failed: Callable[[str], None], on_screen: Callable[[str, str], None]) -> None:
        """`video_call`: the camera opens with the microphone; False (a voice call): only when turned on.
        `reveal_at`: when the peer shows: '' at once, `accept` at `accept_js`, `first-media` when the peer's arrives.
        `on_screen(what, reason)` hears of this browser's screen capture (see above)."""
        super().__init__()
        self.props['video-call'] = video_call
        self.props['local-video'] = local_video_id
        self.props['remote-video'] = remote_video_id
        self.props['screen-video'] = screen_video_id
        self.props['reveal-at'] = reveal_at
        self._ringing = ringing
        self._held: list[Callable[[], None]] = []  # reports of the ringing time, for the registry at the answer
        self._on_connected = on_connected
        self._on_connect_failed = on_connect_failed
        self._on_peer_media = on_peer_media
        # All listeners now (subclasses add theirs in their constructor): a later .on() would re-mount the component.
        self.on('connected', self._connected)
        self.on('lost', lambda: on_lost())
        self.on('failed', lambda event: on_failed(str(event.args.get('reason', ''))))
        self.on('peer-media', lambda event: on_peer_media(str(event.args['kind']), bool(event.args['on'])))
        self.on('quality', lambda event: on_quality(int(event.args['up']), int(event.args['down'])))
        self.on('camera-failed', lambda event: self._camera_failed(str(event.args.get('reason', ''))))
        self._on_camera_failed = on_camera_failed
        self.on('screen', lambda event: on_screen(str(event.args['what']), str(event.args.get('reason', ''))))

    def _connected(self) -> None:
        self._report(self._on_connected)

    def _camera_failed(self, reason: str) -> None:
        self.set_enabled('video', False)  # what the peer's view shows of ours, too
        self._on_camera_failed(reason)

    def _connect_failed(self, reason: str) -> None:
        self._report(lambda: self._on_connect_failed(reason))

    def _report(self, report: Callable[[], None]) -> None:
        if self._ringing:
            self._held.append(report)
        else:
            report()

    def show_in(self, local_video_id: str, remote_video_id: str, screen_video_id: str) -> None:
        """Play into these video elements from now on (the caller's media moves from the ringing panel to the call)."""
        self._props.update({'local-video': local_video_id, 'remote-video': remote_video_id,
                            'screen-video': screen_video_id})

    @property
    def toggle_screen_js(self) -> str:
        """The click handler of a share-screen button: start (the picker) or stop this browser's capture."""
        return f'() => getElement({self.id}).toggleScreen()'

    @property
    def accept_js(self) -> str:
        """The click handler of the accept button: the peer shows and the camera opens at once, in the browser, and
        the accept goes to the server once the peer's first frame is on screen (a media that waits for nothing, or
        is gone, sends it at once)."""
        return f'async () => {{ try {{ await getElement({self.id})?.reveal(); }} finally {{ emit(); }} }}'

    def stop_screen(self) -> None:
        self.run_method('stopScreen')

    def answered(self) -> None:
        """The call this media started for while it rang was answered: the registry now takes what it reported."""
        self._ringing = False
        self.run_method('reveal', True)  # done already where the browser saw the accept first
        held, self._held = self._held, []
        if held:  # soon: the registry is still telling everyone of the answer
            loop = asyncio.get_running_loop()
            for report in held:
                loop.call_soon(report)

    def deliver(self, signal: dict) -> None:
        """A signal relayed from the peer's tab. Only WebRTC has them: Agora RTC connects through Agora."""
        log.warning('%s dropped a relayed signal: it takes none', type(self).__name__)

    def set_enabled(self, kind: str, enabled: bool) -> None:
        """Mute or unmute `audio`, hide or show `video` (the track keeps running, so unmuting is instant). In a voice
        call the first `video` on opens the camera and sends it to the peer."""
        self.run_method('setTrackEnabled', kind, enabled)

    async def devices(self) -> list[dict]:
        """The cameras and microphones, each `{kind: audio|video, id, label, current}`."""
        found = await self.run_method('listDevices', timeout=5)  # the browser's devices, and the ones in use
        inputs = [(INPUTS[device['kind']], device) for device in found['devices'] if device['kind'] in INPUTS]
        return [{'kind': kind, 'id': device['id'], 'current': found['current'].get(kind) == device['id'],
                 'label': device['label'] or f'{UNNAMED[kind]} {number}'}  # no labels before permission
                for number, (kind, device) in enumerate(inputs, 1)]

    def use_device(self, kind: str, device_id: str) -> None:
        self.run_method('useDevice', kind, device_id)
