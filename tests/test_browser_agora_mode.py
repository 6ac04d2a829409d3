"""Agora mode (RTM invitations, RTC media) in two real Chromium contexts, over scripted stand-ins of both SDKs.

The stand-ins talk to a fake Agora cloud run by the test, which records every SDK call with its arguments
and lets the test fire SDK events (failures, REMOTE_LOGIN, token expiry, network quality) into a page.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tokens import parse_token, verify_token

from .browser import by_testid, expect_the_device_menu_to_show_what_is_in_use, register
from .decline_steps import (
    HTML_REPLY,
    decline_with_a_quick_reply_by_keyboard,
    decline_with_own_words,
    expect_a_visible_focus_ring,
    expect_the_banner_announced,
    expect_the_reply_seen,
    refused_replies_send_nothing,
    tab_to,
)
from .fake_agora_cloud import FakeAgoraCloud
from .test_browser_video_call import remote_playing

pytestmark = pytest.mark.browser

APP_ID = '970ca35de60c44645bbae8a215061b33'
CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'


@pytest.fixture
def cloud(tmp_path):
    with FakeAgoraCloud(peer_offline_delay=1.0) as cloud:
        yield cloud


@pytest.fixture
def agora_app(start_app, cloud, tmp_path):
    def start(signaling: str = 'agora-rtm'):
        return start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE, SIGNALING=signaling,
                         AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)))
    return start


@pytest.fixture
def people(agora_app, cloud, chromium):
    app = agora_app()
    contexts = [chromium.new_context() for _ in range(2)]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    cloud.wait_for_call('login', uid='alice')
    register(bob, app.url, 'bob')
    cloud.wait_for_call('login', uid='bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')  # from subscribePeersOnlineStatus
    expect(by_testid(bob, 'status-alice')).to_have_text('online')
    yield app, alice, bob
    for context in contexts:
        context.close()
    assert 'Traceback' not in app.log()


def rtm_token_is_valid_for(call: dict, user: str) -> None:
    token = call['args'][0]['token'] if call['method'] == 'login' else call['args'][0]
    assert verify_token(token, CERTIFICATE)
    [rtm] = [service for service in parse_token(token)['services'] if service['name'] == 'rtm']
    assert rtm['user_id'] == user


def wait_until_connected(*pages) -> None:
    """Both sides joined the channel and play the other's video."""
    for page in pages:
        expect(by_testid(page, 'call-view')).to_be_visible()
        page.wait_for_function("""() => {
            const video = document.querySelector('[data-testid="remote-video"] video');
            return video && video.videoWidth > 0;
        }""", timeout=20_000)
        expect(page.get_by_text('Connecting…')).to_have_count(0)


def start_call(cloud: FakeAgoraCloud, alice, bob, since: int = 0) -> dict:
    """alice calls bob; returns the `send` record of the invitation (the first after log position `since`)."""
    by_testid(alice, 'call-bob').click()
    sent = cloud.wait_for_call('send', uid='alice', since=since)
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    return sent


def test_full_call_over_rtm_and_rtc(people, cloud, artifacts):
    _, alice, bob = people
    rtm_token_is_valid_for(cloud.wait_for_call('login', uid='alice'), 'alice')
    sent = start_call(cloud, alice, bob)
    query = cloud.wait_for_call('queryPeersOnlineStatus', uid='alice')
    assert query['args'] == [['bob']]
    invitation = cloud.wait_for_call('createLocalInvitation', uid='alice')
    assert invitation['args'] == ['bob']
    content, channel = json.loads(sent['invitation']['content']), sent['invitation']['channelId']
    assert len(content['callId']) == 36  # the registry's call id travels in the invitation's content
    assert content['kind'] == 'video'
    assert len(channel) == 32 and 'alice' not in channel and 'bob' not in channel

    by_testid(bob, 'accept-call').click()
    cloud.wait_for_call('accept', uid='bob')
    joins = {user: cloud.wait_for_call('join', uid=user) for user in ('alice', 'bob')}
    for user, join in joins.items():
        app_id, joined_channel, token, uid = join['args']
        assert (app_id, joined_channel, uid) == (APP_ID, channel, user)
        assert verify_token(token, CERTIFICATE)
        [rtc] = [service for service in parse_token(token)['services'] if service['name'] == 'rtc']
        assert (rtc['channel'], rtc['uid']) == (channel, user)
    wait_until_connected(alice, bob)
    assert all(remote_playing(page, '[data-testid="remote-video"] video') for page in (alice, bob))
    expect(by_testid(alice, 'status-bob')).to_have_text('busy')
    alice.screenshot(path=artifacts / 'agora-in-call.png')

    by_testid(alice, 'toggle-audio').click()
    muted = cloud.wait_for_call('setMuted', uid='alice')
    assert muted['object'] == 'MicrophoneAudioTrack' and muted['args'] == [True]
    expect(bob.get_by_text('mic_off')).to_be_visible()  # user-unpublished: shown as muted, not as a hang-up
    expect(by_testid(bob, 'call-view')).to_be_visible()

    by_testid(bob, 'hang-up').click()
    for user in ('alice', 'bob'):
        cloud.wait_for_call('leave', uid=user)
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'call-notice')).to_contain_text('Call ended')
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text('Completed')


def test_decline_is_an_rtm_refusal(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    by_testid(bob, 'decline-call').click()
    refused = cloud.wait_for_call('refuse', uid='bob')
    assert refused['invitation']['response'] == 'declined'
    expect(by_testid(alice, 'call-notice')).to_have_text('bob declined')
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)


def test_cancel_withdraws_the_rtm_invitation(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    by_testid(alice, 'cancel-call').click()
    cloud.wait_for_call('cancel', uid='alice')
    expect(by_testid(bob, 'call-notice')).to_have_text('alice cancelled · missed call')
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)


@pytest.mark.parametrize(('reason', 'words'), [('PEER_OFFLINE', 'bob is offline'),
                                               ('PEER_NO_RESPONSE', 'No answer'),
                                               ('INVITATION_EXPIRE', 'No answer'),
                                               ('NOT_LOGGEDIN', 'Agora signaling failed (NOT_LOGGEDIN)')])
def test_invitation_failures_in_plain_words(people, cloud, reason, words):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    cloud.invitation_event('alice', 'LocalInvitationFailure', reason)
    expect(by_testid(alice, 'call-notice')).to_contain_text(words)
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)


def test_an_offline_callee_is_reported_at_once(people, cloud):
    _, alice, _ = people
    cloud.set_online('bob', 'OFFLINE')
    expect(by_testid(alice, 'status-bob')).to_have_text('offline')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('bob is offline')
    assert not [call for call in cloud.calls('alice') if call['method'] == 'send']


def test_accept_failure_ends_the_call(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    by_testid(bob, 'accept-call').click()
    cloud.wait_for_call('accept', uid='bob')
    cloud.invitation_event('bob', 'RemoteInvitationFailure', 'ACCEPT_FAILURE')
    for page in (alice, bob):
        expect(by_testid(page, 'call-notice')).to_contain_text('Agora signaling could not confirm the answer')


def test_remote_login_moves_the_session_and_can_take_it_back(people, cloud):
    _, alice, _ = people
    mark = cloud.mark()
    cloud.rtm_event('alice', 'ConnectionStateChanged', 'ABORTED', 'REMOTE_LOGIN')
    status = by_testid(alice, 'signaling-status')
    expect(status).to_contain_text('open in another tab or window')
    status.get_by_role('button', name='Use this tab').click()
    rtm_token_is_valid_for(cloud.wait_for_call('login', uid='alice', since=mark), 'alice')
    expect(status).to_be_hidden()


def test_tokens_are_renewed_before_they_expire(people, cloud):
    _, alice, bob = people
    mark = cloud.mark()
    cloud.rtm_event('alice', 'TokenPrivilegeWillExpire')
    rtm_token_is_valid_for(cloud.wait_for_call('renewToken', uid='alice', sdk='rtm', since=mark), 'alice')
    start_call(cloud, alice, bob)
    by_testid(bob, 'accept-call').click()
    join = cloud.wait_for_call('join', uid='bob')
    wait_until_connected(alice, bob)
    cloud.rtc_event('bob', 'token-privilege-will-expire')
    renewed = cloud.wait_for_call('renewToken', uid='bob', sdk='rtc')
    token = renewed['args'][0]
    assert verify_token(token, CERTIFICATE) and token != join['args'][2]


def test_reconnecting_quality_and_peer_left(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    cloud.rtc_event('alice', 'network-quality', {'uplinkNetworkQuality': 5, 'downlinkNetworkQuality': 1})
    expect(by_testid(alice, 'network-quality')).to_have_text('poor')  # the worse of the two (5 of 6)
    cloud.rtc_event('alice', 'connection-state-change', 'RECONNECTING', 'CONNECTED', 'NETWORK_ERROR')
    for page in (alice, bob):
        expect(page.get_by_text('Reconnecting…')).to_be_visible()
    cloud.rtc_event('alice', 'user-left', {'uid': 'bob'}, 'ServerTimeOut')
    expect(by_testid(alice, 'call-notice')).to_have_text('Lost the connection to bob. The call ended.')
    expect(by_testid(bob, 'call-view')).to_have_count(0)


def test_an_invitation_for_an_unknown_call_is_refused(people, cloud):
    _, _, bob = people
    cloud.rtm_event('bob', 'RemoteInvitationReceived',
                    {'callerId': 'alice', 'content': 'not-a-call', 'channelId': 'somechannel'})
    refused = cloud.wait_for_call('refuse', uid='bob')
    assert refused['invitation']['response'] == 'unknown call'
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)


def test_hybrid_mode_rings_through_the_server_with_agora_media(agora_app, cloud, chromium):
    app = agora_app('server')
    contexts = [chromium.new_context() for _ in range(2)]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    assert not [call for call in cloud.calls() if call['sdk'] == 'rtm']  # no signaling through Agora
    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed')
    for context in contexts:
        context.close()


def test_the_device_menu_shows_the_camera_and_microphone_in_use(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    expect_the_device_menu_to_show_what_is_in_use(bob)


def test_decline_with_a_reply_is_the_rtm_response(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    expect_the_banner_announced(bob, 'alice')
    decline_with_a_quick_reply_by_keyboard(bob, 'Call you in 5 minutes')
    refused = cloud.wait_for_call('refuse', uid='bob', timeout=30)  # the machine may be loaded
    assert refused['invitation']['response'] == 'Call you in 5 minutes'
    expect_the_reply_seen(alice, bob, 'Call you in 5 minutes')
    mark = cloud.mark()
    start_call(cloud, alice, bob, since=mark)
    refused_replies_send_nothing(alice, bob)
    assert not [call for call in cloud.calls()[mark:] if call['method'] == 'refuse']
    decline_with_own_words(bob, HTML_REPLY)
    refused = cloud.wait_for_call('refuse', uid='bob', since=mark, timeout=30)
    assert refused['invitation']['response'] == HTML_REPLY
    expect_the_reply_seen(alice, bob, HTML_REPLY)


def test_keyboard_only_accept(people, cloud):
    _, alice, bob = people
    start_call(cloud, alice, bob)
    bob.locator('body').focus()
    tab_to(bob, 'accept-call')
    expect_a_visible_focus_ring(bob, 'accept-call')
    bob.keyboard.press('Enter')
    cloud.wait_for_call('accept', uid='bob')
    wait_until_connected(alice, bob)
    expect(by_testid(bob, 'toggle-audio')).to_have_attribute('aria-label', 'Mute microphone')
    by_testid(bob, 'toggle-audio').focus()
    bob.keyboard.press('Enter')
    expect(by_testid(bob, 'toggle-audio')).to_have_attribute('aria-label', 'Unmute microphone')
