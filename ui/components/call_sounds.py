"""Browser-side ringing: ringtone and ringback tones, title flashing, notifications, the leave-page warning."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


class CallSounds(ui.element, component='call_sounds.js'):
    def __init__(self, on_audio_locked: Callable[[bool], None]) -> None:
        super().__init__()
        self.on('audio', lambda event: on_audio_locked(bool(event.args['locked'])))

    def play(self, mode: str) -> None:
        """`ringtone` (being called), `ringback` (calling) or `none`."""
        self.run_method('play', mode)

    def alert(self, title: str, body: str) -> None:
        """Flash the tab title and show a desktop notification while the tab is hidden."""
        self.run_method('alert', title, body)

    def stop_alert(self) -> None:
        self.run_method('stopAlert')

    def guard(self, on: bool) -> None:
        """Ask before the tab is closed or reloaded while ringing or in a call."""
        self.run_method('guard', on)
