"""The video area of a call as ONE element (call_stage.js draws it): built on both tabs at every accept, and each
element NiceGUI creates costs server time while the two people wait for their video.

Where the peer's video is not showing, it shows the peer's avatar, name and why (peer_video.py decides the words).
"""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ..peer_video import STALL_MS, WAITING_WORDS, PeerVideo
from .person_avatar import AVATAR_JS


class CallStage(ui.element, component='call_stage.js', dependencies=[AVATAR_JS]):
    """Reports `pip` ({on}: the shown video entered or left picture-in-picture) and `pip-failed` ({reason})."""

    def __init__(self, peer: str, *, avatar: dict[str, str], video_tag: str, on_pip: Callable[[bool], None],
                 on_pip_failed: Callable[[str], None]) -> None:
        super().__init__()
        self._video = PeerVideo()
        self._props.update({'peer': peer, 'status': '', 'video-tag': video_tag, 'peer-muted': False,
                            'peer-hidden': False, 'avatar': avatar, 'stall-ms': STALL_MS, 'own-camera': True,
                            'placeholder': self._video.words(), 'sharing': '', 'waiting-words': WAITING_WORDS,
                            'remote-id': f'{self.html_id}-remote', 'local-id': f'{self.html_id}-local',
                            'screen-id': f'{self.html_id}-screen'})
        self.on('video', lambda event: self._show_frames(str(event.args['state'])))
        self.on('pip', lambda event: on_pip(bool(event.args['on'])))
        self.on('pip-failed', lambda event: on_pip_failed(str(event.args.get('reason', ''))))

    @property
    def remote_video_id(self) -> str:
        return self._props['remote-id']

    @property
    def local_video_id(self) -> str:
        return self._props['local-id']

    @property
    def screen_video_id(self) -> str:
        return self._props['screen-id']

    def show_peer(self, name: str, avatar: dict[str, str]) -> None:
        """The peer's new display name (and avatar): new props, not a new element, so the videos play on."""
        self._props.update({'peer': name, 'avatar': avatar})

    def show_status(self, status: str) -> None:
        """`Connecting…`, `Reconnecting…` or nothing."""
        if self._props['status'] != status:  # every call snapshot comes here; a change of the props is sent by itself
            self._props['status'] = status

    def show_own_camera(self, on: bool) -> None:
        """Whether our camera's picture shows: not in a voice call until we turn the camera on (an empty frame)."""
        self._props['own-camera'] = on

    def show_peer_media(self, kind: str, on: bool) -> None:
        self._props['peer-muted' if kind == 'audio' else 'peer-hidden'] = not on
        if kind == 'video':
            self._video.camera_on = on
            self._show_placeholder()

    def expect_peer_video(self, expected: bool) -> None:
        """False in a voice call: the peer's avatar, name and "Voice call" instead of their video."""
        self._video.expected = expected
        self._show_placeholder()

    def _show_frames(self, state: str) -> None:
        self._video.frames = state
        self._show_placeholder()

    def _show_placeholder(self) -> None:
        words = self._video.words()
        if self._props['placeholder'] != words:
            self._props['placeholder'] = words

    def show_sharing(self, who: str) -> None:
        """Whose screen is shared: `peer` (shown large, their camera small), `me` or nobody (``)."""
        if self._props['sharing'] != who:
            self._props['sharing'] = who

    @property
    def toggle_pip_js(self) -> str:
        """The click handler of a picture-in-picture button: the shown video (the peer's camera, or the screen they
        share) into the browser's picture-in-picture window, or back."""
        return f'() => getElement({self.id}).togglePictureInPicture()'

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['peer'], self._props['status'], self._props['placeholder']]
