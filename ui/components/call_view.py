"""The in-call view: the peer's video large, ours small and mirrored, the duration and the controls."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from nicegui import ui

from backend.call_registry import CONNECTING, Call

from ..call_words import clock
from ..testids import hook


class CallMedia(Protocol):
    """What the view needs of the browser-side media component (WebRTC or Agora RTC)."""
    def set_enabled(self, kind: str, enabled: bool) -> None: ...
    async def devices(self) -> list[dict]: ...
    def use_device(self, kind: str, device_id: str) -> None: ...


class CallView(ui.card):
    def __init__(self, call: Call, me: str, *, video_tag: str,
                 make_media: Callable[[ui.element, ui.element], CallMedia],
                 on_hang_up: Callable[[], None], on_media_state: Callable[[dict], None]) -> None:
        super().__init__()
        hook(self, 'call-view').classes('w-full p-0 overflow-hidden bg-grey-10 text-white')
        self._call = call
        self._on_media_state = on_media_state
        self.sending = {'audio': True, 'video': True}
        peer = call.peer_of(me)
        with self:
            with ui.element('div').classes('relative w-full bg-black').style('aspect-ratio: 16 / 9; max-height: 70vh'):
                remote = hook(ui.element(video_tag), 'remote-video').props('autoplay playsinline') \
                    .classes('w-full h-full').style('object-fit: contain')
                local = hook(ui.element(video_tag), 'local-video').props('autoplay playsinline muted') \
                    .classes('absolute bottom-3 right-3 w-1/4 rounded shadow-lg border border-grey-8') \
                    .style('transform: scaleX(-1); background: #222')
                with ui.row().classes('absolute top-2 left-3 items-center gap-2'):
                    ui.label(peer).classes('text-lg font-medium').style('text-shadow: 0 1px 3px #000')
                    self._status = ui.label().classes('text-sm text-grey-4')
                    # Hints are `title` attributes, not tooltip elements: every element costs server time per call.
                    self._quality = ui.icon('signal_cellular_alt')
                    self._peer_muted = ui.icon('mic_off', color='negative') \
                        .props(f'title="{peer} muted their microphone"')
                    self._peer_hidden = ui.icon('videocam_off', color='negative') \
                        .props(f'title="{peer} turned their camera off"')
                for icon in (self._peer_muted, self._peer_hidden, self._quality):
                    icon.set_visibility(False)
            with ui.row().classes('w-full items-center justify-center gap-3 p-3'):
                self._duration = hook(ui.label('00:00'), 'call-duration').classes('font-mono text-grey-4 mr-4')
                self._audio_button = hook(ui.button(icon='mic', on_click=lambda: self._toggle('audio')),
                                          'toggle-audio') \
                    .props('round color=grey-8 title="Mute or unmute your microphone"')
                self._video_button = hook(ui.button(icon='videocam', on_click=lambda: self._toggle('video')),
                                          'toggle-video').props('round color=grey-8 title="Turn your camera off or on"')
                with ui.button(icon='settings').props('round flat color=grey-5 title="Camera and microphone"'):
                    self._devices_menu = ui.menu().on('before-show', self._load_devices)
                hook(ui.button(icon='call_end', on_click=on_hang_up), 'hang-up') \
                    .props('round color=negative title="Hang up"')
            self.media = make_media(local, remote)
        self.show(call)

    def show(self, call: Call) -> None:
        self._call = call
        status = 'Connecting…' if call.state is CONNECTING else 'Reconnecting…' if call.reconnecting else ''
        self._status.set_text(status)
        self.tick()

    def tick(self) -> None:
        if self._call.answered_at is not None:
            self._duration.set_text(clock(time.time() - self._call.answered_at))

    def show_peer_media(self, kind: str, on: bool) -> None:
        (self._peer_muted if kind == 'audio' else self._peer_hidden).set_visibility(not on)

    def show_quality(self, level: int) -> None:
        """Agora's network quality: 1 (best) to 6 (down); 0 is unknown."""
        self._quality.set_visibility(level > 0)
        color = 'positive' if level <= 2 else 'warning' if level <= 4 else 'negative'
        self._quality.props(f'color={color} title="Network quality {level} of 6 (1 is best)"')

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
