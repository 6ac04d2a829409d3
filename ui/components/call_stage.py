"""The video area of a call as ONE element (call_stage.js draws it): built on both tabs at every accept, and each
element NiceGUI creates costs server time while the two people wait for their video."""
from __future__ import annotations

from nicegui import ui


class CallStage(ui.element, component='call_stage.js'):
    def __init__(self, peer: str, *, video_tag: str) -> None:
        super().__init__()
        self._props.update({'peer': peer, 'status': '', 'video-tag': video_tag, 'peer-muted': False,
                            'peer-hidden': False,
                            'remote-id': f'{self.html_id}-remote', 'local-id': f'{self.html_id}-local'})

    @property
    def remote_video_id(self) -> str:
        return self._props['remote-id']

    @property
    def local_video_id(self) -> str:
        return self._props['local-id']

    def show_status(self, status: str) -> None:
        """`Connecting…`, `Reconnecting…` or nothing."""
        if self._props['status'] != status:  # every call snapshot comes here; a change of the props is sent by itself
            self._props['status'] = status

    def show_peer_media(self, kind: str, on: bool) -> None:
        self._props['peer-muted' if kind == 'audio' else 'peer-hidden'] = not on

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['peer'], self._props['status']]
