"""The in-call view: the videos (call_stage.py), the duration and the controls."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from nicegui import ui

from backend.call_registry import CONNECTING, VIDEO, Call

from ..call_words import clock
from ..network_quality import NetworkMeter, NetworkReport, agora_quality_word
from ..testids import hook
from .call_stage import CallStage
from .person_avatar import avatar_of


class CallMedia(Protocol):
    """What the view needs of the browser-side media component (call_media_element.py: WebRTC or Agora RTC)."""
    def set_enabled(self, kind: str, enabled: bool) -> None: ...
    async def devices(self) -> list[dict]: ...
    def use_device(self, kind: str, device_id: str) -> None: ...
    @property
    def toggle_screen_js(self) -> str: ...


TOGGLE_FULLSCREEN = ('() => document.fullscreenElement ? document.exitFullscreen() '
                     ': document.querySelector(".call-view").requestFullscreen()')
QUALITY_COLORS = {'good': 'positive', 'fair': 'warning', 'poor': 'negative', 'lost': 'negative'}
# What a toggle does now, per kind and whether it is sending: its label for screen readers and its tooltip.
TOGGLE_LABELS = {('audio', True): 'Mute microphone', ('audio', False): 'Unmute microphone',
                 ('video', True): 'Turn camera off', ('video', False): 'Turn camera on'}


def labelled(button: ui.button, label: str) -> ui.button:
    """An icon button's name for screen readers (its icon's ligature text otherwise) and its tooltip."""
    button.props['aria-label'] = button.props['title'] = label
    return button


class CallView(ui.card):
    def __init__(self, call: Call, me: str, peer_name: str, *, video_tag: str,
                 media_for: Callable[[str, str, str], CallMedia], on_hang_up: Callable[[], None],
                 say: Callable[[str], None]) -> None:
        """`media_for(local, remote, screen)` plays the call's media into these video elements; `say` shows a line in
        the call notice."""
        super().__init__()
        hook(self, 'call-view').classes('call-view w-full p-0 overflow-hidden bg-grey-10 text-white')
        self._call = call
        self._me = me
        self.sending = {'audio': True, 'video': call.kind is VIDEO}  # a voice call starts with no camera
        self._peer_video = call.kind is VIDEO
        self._meter = NetworkMeter()
        with self:
            self._stage = CallStage(peer_name, avatar=avatar_of(call.peer_of(me), peer_name), video_tag=video_tag,
                                    on_pip=self._show_pip,
                                    on_pip_failed=lambda reason: say(f'No picture-in-picture: {reason}'))
            with ui.row().classes('call-controls w-full items-center justify-center gap-3 p-3'):
                self._duration = hook(ui.label('00:00'), 'call-duration').classes('font-mono text-grey-4 mr-4')
                self._audio_button = hook(ui.button(icon='mic', on_click=lambda: self._toggle('audio')),
                                          'toggle-audio').props('round color=grey-8')
                self._video_button = hook(ui.button(on_click=lambda: self._toggle('video')), 'toggle-video') \
                    .props('round')
                labelled(self._audio_button, TOGGLE_LABELS['audio', True])
                self._show_sending('video')
                # Both act in the browser at the click: the screen picker and picture-in-picture need its gesture.
                self._screen_button = labelled(hook(ui.button(icon='screen_share'), 'toggle-screen')
                                               .props('round color=grey-8'), 'Share your screen')
                self._pip_button = labelled(hook(ui.button(icon='picture_in_picture_alt'), 'toggle-pip')
                                            .props('round color=grey-8 aria-pressed=false'), 'Picture in picture') \
                    .on('click', js_handler=self._stage.toggle_pip_js)
                with labelled(ui.button(icon='settings').props('round flat color=grey-5'), 'Camera and microphone'):
                    self._devices_menu = ui.menu().on('before-show', self._load_devices)
                self._network = self._network_indicator()
                # In the browser: only a click may ask for full screen (and the browser's Esc leaves it)
                hook(ui.button(icon='fullscreen'), 'toggle-fullscreen').classes('call-fullscreen-button') \
                    .props('round flat color=grey-5 title="Full screen" aria-label="Full screen"') \
                    .on('click', js_handler=TOGGLE_FULLSCREEN)
                labelled(hook(ui.button(icon='call_end', on_click=on_hang_up), 'hang-up').props('round color=negative'),
                         'Hang up')
            if call.kind is not VIDEO:  # no camera on either side until one is turned on
                self._stage.show_own_camera(False)
                self._stage.show_peer_media('video', False)
                self.expect_peer_video(False)
            self.media = media_for(self._stage.local_video_id, self._stage.remote_video_id,
                                   self._stage.screen_video_id)
            self._screen_button.on('click', js_handler=self.media.toggle_screen_js)
        self.show(call)

    def show(self, call: Call) -> None:
        self._call = call
        self._stage.show_status('Connecting…' if call.state is CONNECTING else
                                'Reconnecting…' if call.reconnecting else '')
        self._show_sharing('me' if call.sharing == self._me else 'peer' if call.sharing else '')
        self.tick()

    def show_peer(self, name: str, avatar: dict[str, str]) -> None:
        """The peer's new display name: in place, their video plays on."""
        self._stage.show_peer(name, avatar)

    def _show_sharing(self, who: str) -> None:
        self._stage.show_sharing(who)
        label = 'Stop sharing your screen' if who == 'me' else 'Share your screen'
        if self._screen_button.props['aria-label'] != label:
            labelled(self._screen_button, label)
            self._screen_button.props['icon'] = 'stop_screen_share' if who == 'me' else 'screen_share'
            self._screen_button.props['color'] = 'negative' if who == 'me' else 'grey-8'

    def _show_pip(self, on: bool) -> None:
        self._pip_button.props['aria-pressed'] = 'true' if on else 'false'
        self._pip_button.props['color'] = 'primary' if on else 'grey-8'

    def tick(self) -> None:
        if self._call.answered_at is not None:
            self._duration.set_text(clock(self._call.duration_at(time.time())))

    def show_peer_media(self, kind: str, on: bool) -> None:
        if kind == 'video':
            self._peer_video = on  # a camera turned off sends almost no frames: not a poor connection
        self._stage.show_peer_media(kind, on)
        if kind == 'video' and on:
            self.expect_peer_video(True)  # a voice call the peer turned into video

    def expect_peer_video(self, expected: bool) -> None:
        """False in a voice call: the peer's avatar, name and "Voice call" stand in for their video."""
        self._stage.expect_peer_video(expected)

    def show_quality(self, level: int) -> None:
        """Agora RTC's network quality, 1 (best) to 6 (down); 0 is unknown."""
        self._show_word(agora_quality_word(level))

    def show_stats(self, sample: dict) -> None:
        """WebRTC's numbers of the last 2 s (webrtc_call.js): the word and the connection details."""
        report = self._meter.update(sample, video_expected=self._peer_video)
        self._show_word(report.word)
        self._show_details(report)

    def _network_indicator(self) -> ui.row:
        with ui.row().classes('items-center gap-1 no-wrap') as row:
            self._quality_icon = ui.icon('signal_cellular_alt', size='sm')
            self._quality = hook(ui.label(), 'network-quality').classes('text-sm text-grey-4')
            self._details_button = labelled(hook(ui.button(icon='info_outline'), 'connection-details')
                                            .props('round flat dense color=grey-5'), 'Connection details')
            with self._details_button, ui.menu(), ui.grid(columns=2).classes('p-3 gap-x-4 gap-y-1 text-sm'):
                ui.label('Connection details').classes('col-span-2 font-medium')
                self._details = {}
                for name, value in NetworkReport(word='').details():
                    ui.label(name).classes('text-grey-7')
                    self._details[name] = ui.label(value)
            hook(self._details['Connection'], 'connection-route')
        row.set_visibility(False)
        self._details_button.set_visibility(False)  # WebRTC's numbers only: Agora RTC reports just the word
        return row

    def _show_word(self, word: str) -> None:
        if word == self._quality.text:
            return
        self._network.set_visibility(bool(word))
        self._quality.set_text(word)
        self._quality_icon.props(f'color={QUALITY_COLORS.get(word, "grey-5")}')

    def _show_details(self, report: NetworkReport) -> None:
        if not self._details_button.visible:
            self._details_button.set_visibility(True)
        for name, value in report.details():
            self._details[name].set_text(value)

    def _toggle(self, kind: str) -> None:
        self.sending[kind] = not self.sending[kind]
        self.media.set_enabled(kind, self.sending[kind])
        self._show_sending(kind)
        if kind == 'video' and self.sending[kind]:
            self._stage.show_own_camera(True)

    def camera_off(self) -> None:
        """The camera could not be turned on: the button says it is off (the media already knows)."""
        self.sending['video'] = False
        self._show_sending('video')

    def _show_sending(self, kind: str) -> None:
        on = self.sending[kind]
        button, icon = (self._audio_button, 'mic') if kind == 'audio' else (self._video_button, 'videocam')
        button.props(f'icon={icon if on else icon + "_off"} color={"grey-8" if on else "negative"}')
        labelled(button, TOGGLE_LABELS[kind, on])

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
