"""Why the peer's video is not showing, in words: the call stage shows the peer's avatar, name and these words in
its place. The browser reports what it sees of the video (call_stage.js); the peer's own camera switch and the kind
of call come from Python."""
from __future__ import annotations

from dataclasses import dataclass

# What the browser sees of the peer's video
WAITING = 'waiting'  # no frame yet (not arrived, or a new track not started)
PLAYING = 'playing'
STALLED = 'stalled'  # no new frame for STALL_MS, or the track is muted (nothing arrives)
STALL_MS = 2000
WAITING_WORDS = 'Waiting for video…'


@dataclass
class PeerVideo:
    frames: str = WAITING
    camera_on: bool = True  # the peer's camera switch, as they report it
    expected: bool = True  # False in a voice call: no video either way

    def words(self) -> str:
        """What stands in for the video, or '' while it plays."""
        if not self.expected:
            return 'Voice call'
        if not self.camera_on:
            return 'Camera off'
        if self.frames == WAITING:
            return WAITING_WORDS
        if self.frames == STALLED:
            return 'Video paused'
        return ''
