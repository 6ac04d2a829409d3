"""How a call's connection is doing, in one word (`good`, `fair`, `poor`, `lost`) and a few details.

The browser only collects numbers; the thresholds live here. Embedded mode sends WebRTC's `getStats()` every 2 s
(cumulative counters, so the rates come from the difference of two samples); the Agora modes report RTC's own
network quality, 1 (excellent) to 6 (down).
"""
from __future__ import annotations

from dataclasses import dataclass

GOOD, FAIR, POOR, LOST = 'good', 'fair', 'poor', 'lost'
# (round trip in ms, packet loss in %, frames per second) at or within which a word still holds.
GOOD_LIMITS = (150, 2.0, 20)
FAIR_LIMITS = (400, 8.0, 10)
DOWN_STATES = {'disconnected', 'failed', 'closed'}


def quality_word(rtt_ms: float | None, loss_percent: float | None, fps: float | None, *, receiving: bool) -> str:
    """The word for these measurements; `fps` None when no video is expected (the peer's camera is off)."""
    if not receiving:
        return LOST
    for word, (rtt_limit, loss_limit, fps_floor) in ((GOOD, GOOD_LIMITS), (FAIR, FAIR_LIMITS)):
        if (rtt_ms is None or rtt_ms <= rtt_limit) and (loss_percent is None or loss_percent <= loss_limit) and \
                (fps is None or fps >= fps_floor):
            return word
    return POOR


def agora_quality_word(level: int) -> str:
    """Agora RTC's network quality (0 unknown, 1 excellent ... 5 very bad, 6 down) as the same words; '' unknown."""
    if level <= 0:
        return ''
    return GOOD if level <= 2 else FAIR if level == 3 else POOR if level <= 5 else LOST


@dataclass(frozen=True)
class NetworkReport:
    word: str
    route: str = ''  # `direct` or `relayed` (through a TURN server)
    rtt_ms: int | None = None
    kbps_in: int | None = None
    kbps_out: int | None = None
    resolution: str = ''  # the peer's video as received, e.g. 640x360
    fps: float | None = None

    def details(self) -> list[tuple[str, str]]:
        """The rows of the "Connection details" panel."""
        unknown = '–'
        return [
            ('Connection', self.route or unknown),
            ('Round trip', f'{self.rtt_ms} ms' if self.rtt_ms is not None else unknown),
            ('Bitrate', f'↓ {self.kbps_in} kbit/s · ↑ {self.kbps_out} kbit/s'
             if self.kbps_in is not None and self.kbps_out is not None else unknown),
            ('Resolution', self.resolution or unknown),
            ('Frame rate', f'{self.fps:.0f} fps' if self.fps is not None else unknown),
        ]


class NetworkMeter:
    """Turns the browser's successive stats samples into reports. A sample (webrtc_call.js `sample()`):
    `time` (ms), `state` (the peer connection's), `local` and `remote` candidate types of the selected pair, `rtt`
    (s), cumulative `bytesReceived`, `bytesSent`, `packetsReceived`, `packetsLost`, and the received video's
    `width`, `height`, `fps`."""

    def __init__(self) -> None:
        self._last: dict | None = None

    def update(self, sample: dict, *, video_expected: bool = True) -> NetworkReport:
        last, self._last = self._last, sample
        seconds = (sample['time'] - last['time']) / 1000 if last is not None else 0
        if last is not None and seconds > 0:
            received = sample['packetsReceived'] - last['packetsReceived']
            lost = max(0, sample['packetsLost'] - last['packetsLost'])
            kbps_in = round((sample['bytesReceived'] - last['bytesReceived']) * 8 / 1000 / seconds)
            kbps_out = round((sample['bytesSent'] - last['bytesSent']) * 8 / 1000 / seconds)
        else:
            received, lost = sample['packetsReceived'], max(0, sample['packetsLost'])
            kbps_in = kbps_out = None
        loss = 100 * lost / (received + lost) if received + lost > 0 else None
        rtt_ms = round(sample['rtt'] * 1000) if sample.get('rtt') is not None else None
        fps = sample.get('fps')
        receiving = sample['state'] not in DOWN_STATES and (last is None or received > 0)
        word = quality_word(rtt_ms, loss, fps if video_expected else None, receiving=receiving)
        route = '' if sample.get('local') is None else \
            'relayed' if 'relay' in (sample.get('local'), sample.get('remote')) else 'direct'
        width, height = sample.get('width'), sample.get('height')
        return NetworkReport(word=word, route=route, rtt_ms=rtt_ms, kbps_in=kbps_in, kbps_out=kbps_out,
                             resolution=f'{width}x{height}' if width and height else '', fps=fps)
