"""The connection's word and details from the browser's numbers: thresholds, rates from two samples, the route."""
from __future__ import annotations

import pytest

from ui.network_quality import NetworkMeter, agora_quality_word, quality_word


@pytest.mark.parametrize(('rtt', 'loss', 'fps', 'word'), [
    (40, 0.0, 30, 'good'),
    (150, 2.0, 20, 'good'),
    (151, 0.0, 30, 'fair'),
    (40, 5.0, 30, 'fair'),
    (40, 0.0, 12, 'fair'),
    (401, 0.0, 30, 'poor'),
    (40, 8.5, 30, 'poor'),
    (40, 0.0, 5, 'poor'),
    (None, None, None, 'good'),  # nothing measured yet
])
def test_thresholds(rtt, loss, fps, word):
    assert quality_word(rtt, loss, fps, receiving=True) == word


def test_nothing_received_is_lost_whatever_the_numbers():
    assert quality_word(20, 0.0, 30, receiving=False) == 'lost'


@pytest.mark.parametrize(('level', 'word'), [(0, ''), (1, 'good'), (2, 'good'), (3, 'fair'), (4, 'poor'),
                                             (5, 'poor'), (6, 'lost')])
def test_agora_levels_map_to_the_same_words(level, word):
    assert agora_quality_word(level) == word


def sample(time: float, **values) -> dict:
    return {'time': time, 'state': 'connected', 'local': 'host', 'remote': 'host', 'rtt': 0.012,
            'bytesReceived': 0, 'bytesSent': 0, 'packetsReceived': 0, 'packetsLost': 0, 'width': 640,
            'height': 360, 'fps': 30, **values}


def test_rates_and_loss_come_from_the_difference_of_two_samples():
    meter = NetworkMeter()
    first = meter.update(sample(1000, bytesReceived=100_000, bytesSent=50_000, packetsReceived=900, packetsLost=100))
    assert (first.kbps_in, first.kbps_out) == (None, None)
    assert first.word == 'poor'  # 10 % lost since the start
    second = meter.update(sample(3000, bytesReceived=350_000, bytesSent=300_000, packetsReceived=1890,
                                 packetsLost=110))
    assert (second.kbps_in, second.kbps_out) == (1000, 1000)  # 250 kB in 2 s
    assert second.word == 'good'  # 10 of 1000 lost in these 2 s: 1 %
    assert (second.rtt_ms, second.resolution, second.fps, second.route) == (12, '640x360', 30, 'direct')


def test_a_relay_on_either_side_is_relayed():
    assert NetworkMeter().update(sample(0, local='relay')).route == 'relayed'
    assert NetworkMeter().update(sample(0, remote='relay')).route == 'relayed'
    assert NetworkMeter().update(sample(0, local=None, remote=None)).route == ''


def test_no_new_packets_or_a_dropped_connection_is_lost():
    meter = NetworkMeter()
    meter.update(sample(0, packetsReceived=500))
    assert meter.update(sample(2000, packetsReceived=500)).word == 'lost'
    assert NetworkMeter().update(sample(0, state='disconnected')).word == 'lost'


def test_a_camera_turned_off_is_not_a_poor_connection():
    meter = NetworkMeter()
    assert meter.update(sample(0, fps=1), video_expected=False).word == 'good'
    assert meter.update(sample(2000, fps=1, packetsReceived=100), video_expected=True).word == 'poor'


def test_details_rows():
    meter = NetworkMeter()
    meter.update(sample(0))
    report = meter.update(sample(2000, local='relay', bytesReceived=125_000, bytesSent=250_000, packetsReceived=10))
    assert report.details() == [('Connection', 'relayed'), ('Round trip', '12 ms'),
                                ('Bitrate', '↓ 500 kbit/s · ↑ 1000 kbit/s'), ('Resolution', '640x360'),
                                ('Frame rate', '30 fps')]
    assert NetworkMeter().update(sample(0, local=None, rtt=None, width=0, fps=None)).details() == [
        ('Connection', '–'), ('Round trip', '–'), ('Bitrate', '–'), ('Resolution', '–'), ('Frame rate', '–')]
