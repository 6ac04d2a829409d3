"""The in-call view: the peer's video large, ours small and mirrored, the duration and the controls."""
from __future__ import annotations

import time
from collections.abc import Callable

from nicegui import ui

from backend.call_registry import CONNECTING, Call

from ..call_words import clock
from ..testids import hook
from .webrtc_call import WebRtcCall


class CallView(ui.card):
    def __init__(self, call: Call, me: str, *, ice_servers: list[dict], on_hang_up: Callable[[], None],
                 on_signal: Callable[[dict], None], on_connected: Callable[[], None], on_lost: Callable[[], None],
                 on_failed: Callable[[str], None], on_media_state: Callable[[dict], None]) -> None:
        super().__init__()
        hook(self, 'call-view').classes('w-full p-0 overflow-hidden bg-grey-10 text-white')
        self._call = call
        self._on_media_state = on_media_state
        self.sending = {'audio': True, 'video': True}
        peer = call.peer_of(me)
        with self:
            with ui.element('div').classes('relative w-full bg-black').style('aspect-ratio: 16 / 9; max-height: 70vh'):
                remote = hook(ui.element('video'), 'remote-video').props('autoplay playsinline') \
                    .classes('w-full h-full').style('object-fit: contain')
                local = hook(ui.element('video'), 'local-video').props('autoplay playsinline muted') \
                    .classes('absolute bottom-3 right-3 w-1/4 rounded shadow-lg border border-grey-8') \
                    .style('transform: scaleX(-1); background: #222')
                with ui.row().classes('absolute top-2 left-3 items-center gap-2'):
                    ui.label(peer).classes('text-lg font-medium').style('text-shadow: 0 1px 3px #000')
                    self._status = ui.label().classes('text-sm text-grey-4')
                    self._peer_muted = ui.icon('mic_off', color='negative').tooltip(f'{peer} muted their microphone')
                    self._peer_hidden = ui.icon('videocam_off', color='negative') \
                        .tooltip(f'{peer} turned their camera off')
                self._peer_muted.set_visibility(False)
                self._peer_hidden.set_visibility(False)
            with ui.row().classes('w-full items-center justify-center gap-3 p-3'):
                self._duration = hook(ui.label('00:00'), 'call-duration').classes('font-mono text-grey-4 mr-4')
                self._audio_button = hook(ui.button(icon='mic', on_click=lambda: self._toggle('audio')),
                                          'toggle-audio').props('round color=grey-8') \
                    .tooltip('Mute or unmute your microphone')
                self._video_button = hook(ui.button(icon='videocam', on_click=lambda: self._toggle('video')),
                                          'toggle-video').props('round color=grey-8') \
                    .tooltip('Turn your camera off or on')
                with ui.button(icon='settings').props('round flat color=grey-5').tooltip('Camera and microphone'):
                    self._devices_menu = ui.menu().on('before-show', self._load_devices)
                hook(ui.button(icon='call_end', on_click=on_hang_up), 'hang-up') \
                    .props('round color=negative').tooltip('Hang up')
            self.media = WebRtcCall(ice_servers=ice_servers, polite=me == call.callee, local_video=local,
                                    remote_video=remote, on_signal=on_signal, on_connected=on_connected,
                                    on_lost=on_lost, on_failed=on_failed)
        self.update(call)

    def update(self, call: Call) -> None:
        self._call = call
        status = 'Connecting…' if call.state is CONNECTING else 'Reconnecting…' if call.reconnecting else ''
        self._status.set_text(status)
        self.tick()

    def tick(self) -> None:
        if self._call.answered_at is not None:
            self._duration.set_text(clock(time.time() - self._call.answered_at))

    def show_peer_media(self, state: dict) -> None:
        self._peer_muted.set_visibility(not state.get('audio', True))
        self._peer_hidden.set_visibility(not state.get('video', True))

    def _toggle(self, kind: str) -> None:
        self.sending[kind] = not self.sending[kind]
        on = self.sending[kind]
        self.media.set_enabled(kind, on)
        button, icon = (self._audio_button, 'mic') if kind == 'audio' else (self._video_button, 'videocam')
        button.props(f'icon={icon if on else icon + "_off"} color={"grey-8" if on else "negative"}')
        self._on_media_state(dict(self.sending))

    async def _load_devices(self) -> None:
        devices = await self.media.devices()
        self._devices_menu.clear()
        with self._devices_menu, ui.column().classes('p-3 gap-2 w-72'):
            for kind, label in (('video', 'Camera'), ('audio', 'Microphone')):
                options = {device['id']: device['label'] for device in devices if device['kind'] == kind}
                current = next((device['id'] for device in devices if device['kind'] == kind and device['current']),
                               None)
                ui.select(options, label=label, value=current,
                          on_change=lambda event, kind=kind: self.media.use_device(kind, event.value)).classes('w-full')
