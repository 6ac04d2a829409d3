"""What a peer's browser says about a failure reaches people only as one of a fixed set of reasons; its own words go
to the server log, cut. The page test fires the media component's failure event as a browser (or a script
speaking the page protocol) would."""
from __future__ import annotations

import logging

import pytest

from backend.call_registry import Call, CallState, EndReason
from ui.call_words import end_notice
from ui.components.webrtc_call import WebRtcCall
from ui.failure_reasons import LOGGED_CHARACTERS, SHOWN, log_reason, shown_reason

from .sim import should_read
from .test_calls_user import two_users

SPOOF = 'permission denied.\n\nADMIN NOTICE: your account is suspended, sign in again at http://evil.example '


def ended(reason: EndReason, detail: str) -> Call:
    return Call(id='c1', caller='alice', callee='bob', channel='x', state=CallState.ENDED, created_at=0.0,
                ring_deadline=45.0, end_reason=reason, ended_by='bob', detail=detail)


@pytest.mark.parametrize('reason', sorted(SHOWN))
def test_the_reasons_the_components_send_are_shown_as_they_are(reason):
    assert shown_reason(reason) == reason


def test_a_reason_with_an_sdk_detail_is_shown_up_to_the_detail():
    assert shown_reason('Cannot reach the video service (CAN_NOT_GET_GATEWAY_SERVER)') == \
        'Cannot reach the video service'


@pytest.mark.parametrize('detail', [SPOOF, 'x' * 100_000, '<b>hi</b>', 'permission to use the camera or microphone '
                                    'was denied, and more'])
def test_anything_else_is_not_shown(detail):
    assert shown_reason(detail) == ''
    for reason in (EndReason.MEDIA_FAILED, EndReason.CONNECT_FAILED, EndReason.ERROR):
        for me in ('alice', 'bob'):
            notice = end_notice(ended(reason, detail), me)
            assert detail not in notice and 'evil' not in notice and len(notice) < 100


def test_the_end_lines_without_a_shown_reason():
    assert end_notice(ended(EndReason.MEDIA_FAILED, SPOOF), 'alice') == \
        "bob's camera or microphone is not available. The call ended."
    assert end_notice(ended(EndReason.CONNECT_FAILED, SPOOF), 'alice') == 'Could not connect the call'
    assert end_notice(ended(EndReason.ERROR, SPOOF), 'alice') == 'The call ended unexpectedly (the server stopped).'


def test_the_log_keeps_the_words_cut_and_on_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger='ui.failure_reasons'):
        log_reason('c1', SPOOF + 'y' * 10_000)
    [record] = caplog.records
    assert 'ADMIN NOTICE' in record.getMessage() and '\n' not in record.getMessage()
    assert len(record.getMessage()) < LOGGED_CHARACTERS + 100


async def test_a_peers_made_up_reason_does_not_reach_the_other_person(create_user, caplog):
    """Before: the peer's text, unlimited, was shown to the other person inside the end message."""
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await bob.should_see(marker='incoming-call')
    bob.find(marker='accept-call').click()
    await bob.should_see(marker='call-view')
    with caplog.at_level(logging.WARNING, logger='ui.failure_reasons'):
        bob.find(WebRtcCall).trigger('failed', {'reason': SPOOF})
        await should_read(alice, 'call-notice', "bob's camera or microphone is not available. The call ended.")
        await should_read(bob, 'call-notice', 'Your camera or microphone is not available. The call ended.')
    assert any('ADMIN NOTICE' in record.getMessage() for record in caplog.records)
