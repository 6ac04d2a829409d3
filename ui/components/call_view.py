"""The in-call view: the videos (call_stage.py), the duration and the controls."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from nicegui import ui

from backend.call_registry import CONNECTING, Call

from ..call_words import clock
from ..testids import hook
from .call_stage import CallStage


class CallMedia(Protocol):
    """What the view needs of the browser-side media component (call_media_element.py: WebRTC or Agora RTC)."""
    def set_enabled(self, kind: str, enabled: bool) -> None: ...
    async def devices(self) -> list[dict]: ...
    def use_device(self, kind: str, device_id: str) -> None: ...


class CallView(ui.card):
    def __init__(self, call: Call, me: str, *, video_tag: str,
                 media_for: Callable[[str, str], CallMedia],
                 on_hang_up: Callable[[], None]) -> None:
        super().__init__()
        hook(self, 'call-view').classes('w-full p-0 overflow-hidden bg-grey-10 text-white')
        self._call = call
        self.sending = {'audio': True, 'video': True}
        with self:
            self._stage = CallStage(call.peer_of(me), video_tag=video_tag)
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
            self.media = media_for(self._stage.local_video_id, self._stage.remote_video_id)
        self.show(call)

    def show(self, call: Call) -> None:
        self._call = call
        self._stage.show_status('Connecting…' if call.state is CONNECTING else
                                'Reconnecting…' if call.reconnecting else '')
        self.tick()

    def tick(self) -> None:
        if self._call.answered_at is not None:
            self._duration.set_text(clock(self._call.duration_at(time.time())))

    def show_peer_media(self, kind: str, on: bool) -> None:
        self._stage.show_peer_media(kind, on)

    def show_quality(self, level: int) -> None:
        self._stage.show_quality(level)

    def _toggle(self, kind: str) -> None:
        self.sending[kind] = not self.sending[kind]
        on = self.sending[kind]
        self.media.set_enabled(kind, on)
        button, icon = (self._audio_button, 'mic') if kind == 'audio' else (self._video_button, 'videocam')
        button.props(f'icon={icon if on else icon + "_off"} color={"grey-8" if on else "negative"}')

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
