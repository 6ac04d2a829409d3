"""Voice calls in real Chromium, in the embedded mode and in both Agora modes (over the stand-ins): no camera is ever
asked for on either side until one of them turns theirs on during the call; the other sees it arrive and keeps theirs
off; both histories say it was a voice call.

Every page records what it asks `getUserMedia` for (MEDIA_REQUESTS): the Agora RTC stand-in opens its tracks with
the browser's own getUserMedia, as the real SDK does, so the same record holds in every mode.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .browser import PEER_RECORDER, by_testid, register
from .callapi_peer import CALLING, CallApiPeer
from .fake_agora_cloud import FakeAgoraCloud
from .test_browser_video_call import call_stats, remote_playing

pytestmark = pytest.mark.browser

APP_ID = '970ca35de60c44645bbae8a215061b33'
CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'

# The constraints of every getUserMedia call the page makes, in order.
MEDIA_REQUESTS = '''(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__mediaRequests = [];
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.__mediaRequests.push(JSON.parse(JSON.stringify(constraints || {})));
    return original(constraints);
  };
})()'''


def media_requests(page: Page) -> list[dict]:
    return page.evaluate('window.__mediaRequests')


def asked_for_a_camera(page: Page) -> bool:
    return any(request.get('video') for request in media_requests(page))


def two_people(chromium, app_url: str, cloud: FakeAgoraCloud | None = None,
               logins: tuple[str, str] = ('alice', 'bob')) -> tuple[Page, Page]:
    """alice and bob registered, each in a context of their own, seeing each other online (with Agora: logged in to
    the fake cloud as `logins`)."""
    pages = []
    for name in ('alice', 'bob'):
        context = chromium.new_context()
        context.add_init_script(PEER_RECORDER)
        context.add_init_script(MEDIA_REQUESTS)
        page = context.new_page()
        register(page, app_url, name)
        if cloud is not None:
            cloud.wait_for_call('login', uid=logins[len(pages)])
        pages.append(page)
    alice, bob = pages
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    expect(by_testid(bob, 'status-alice')).to_have_text('online')
    return alice, bob


def wait_for_audio_both_ways(alice: Page, bob: Page) -> None:
    """Each side receives the other's microphone (inbound audio packets on its connections)."""
    deadline = time.monotonic() + 20
    while not all(call_stats(page)['audioPacketsReceived'] > 0 for page in (alice, bob)):
        assert time.monotonic() < deadline, 'no audio arrived on both sides'
        time.sleep(0.3)


def voice_call_turned_into_video(alice: Page, bob: Page, remote_video: str, artifacts: Path | None = None) -> None:
    """alice is ringing bob with a voice call: bob answers, they talk without cameras, bob turns his camera on,
    alice sees it and keeps hers off, alice hangs up; both histories say "Voice call"."""
    expect(by_testid(alice, 'outgoing-call')).to_contain_text('voice call')
    expect(by_testid(alice, 'outgoing-preview')).to_have_count(0)  # no camera preview while a voice call rings
    expect(by_testid(bob, 'incoming-call')).to_contain_text('is calling you · voice call')
    by_testid(bob, 'accept-call').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_be_visible()
        expect(by_testid(page, 'remote-placeholder-state')).to_have_text('Voice call')  # the peer's name above it
        expect(by_testid(page, 'toggle-video')).to_contain_text('videocam_off')  # the camera button says: off
        expect(by_testid(page, 'local-video')).to_be_hidden()  # no empty picture of a camera that is off
    wait_for_audio_both_ways(alice, bob)
    expect(by_testid(alice, 'remote-placeholder')).to_contain_text('bob')
    expect(by_testid(bob, 'remote-placeholder')).to_contain_text('alice')
    for page in (alice, bob):
        expect(page.get_by_text('Connecting…')).to_have_count(0)
        assert media_requests(page) and not asked_for_a_camera(page), media_requests(page)
        assert call_stats(page)['framesDecoded'] == 0
    if artifacts is not None:
        alice.screenshot(path=artifacts / 'voice-call.png')  # docs/voice-call.png, the README's picture

    expect(bob.get_by_title('alice turned their camera off')).to_be_visible()
    by_testid(bob, 'toggle-video').click()  # bob turns the call into video
    expect(by_testid(bob, 'toggle-video')).not_to_contain_text('videocam_off')
    expect(by_testid(bob, 'local-video')).to_be_visible()
    deadline = time.monotonic() + 20
    while not remote_playing(alice, remote_video):
        assert time.monotonic() < deadline, "bob's camera never played on alice's side"
        time.sleep(0.3)
    assert asked_for_a_camera(bob)
    assert not asked_for_a_camera(alice)  # she sees him and keeps her camera off
    expect(alice.get_by_title('bob turned their camera off')).to_have_count(0)
    expect(by_testid(alice, 'remote-placeholder')).to_have_count(0)  # his video in its place
    expect(by_testid(bob, 'remote-placeholder-state')).to_have_text('Voice call')  # hers stays off
    expect(bob.get_by_title('alice turned their camera off')).to_be_visible()
    expect(by_testid(alice, 'call-view')).to_be_visible()

    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text('Voice call · Completed')
    assert not asked_for_a_camera(alice)


def test_a_voice_call_turned_into_video_embedded(start_app, chromium, artifacts):
    app = start_app()
    alice, bob = two_people(chromium, app.url)
    by_testid(alice, 'voice-call-bob').click()
    voice_call_turned_into_video(alice, bob, '[data-testid="remote-video"]', artifacts)

    # Calling back from the history as a voice call rings as one; a video call back is a video call.
    by_testid(bob, 'history-item').get_by_test_id('voice-call-back').click()
    expect(by_testid(alice, 'incoming-call')).to_contain_text('voice call')
    by_testid(bob, 'cancel-call').click()
    by_testid(bob, 'history-item').first.get_by_role('button', name='Call alice back').click()
    expect(by_testid(alice, 'incoming-call')).to_contain_text('video call')
    by_testid(bob, 'cancel-call').click()
    expect(by_testid(alice, 'history-item')).to_have_count(3)
    expect(by_testid(alice, 'history-item').first).to_contain_text('Video call · Missed')
    expect(by_testid(alice, 'history-item').nth(1)).to_contain_text('Voice call · Missed')
    assert not asked_for_a_camera(alice)
    assert 'Traceback' not in app.log()


@pytest.fixture
def cloud():
    with FakeAgoraCloud() as cloud:
        yield cloud


def test_a_voice_call_turned_into_video_over_rtm(start_app, chromium, cloud, tmp_path):
    app = start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE, SIGNALING='agora-rtm',
                    AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)))
    alice, bob = two_people(chromium, app.url, cloud)
    by_testid(alice, 'voice-call-bob').click()
    sent = cloud.wait_for_call('send', uid='alice')
    content = json.loads(sent['invitation']['content'])  # the kind travels in the invitation's content
    assert content['kind'] == 'voice' and len(content['callId']) == 36
    voice_call_turned_into_video(alice, bob, '[data-testid="remote-video"] video')
    # The RTC tracks: a microphone each; a camera only for bob, when he turned it on.
    created = [call['method'] for call in cloud.calls() if call['method'].startswith('create')
               and call['method'].endswith('Track')]
    assert sorted(created) == ['createCameraVideoTrack', 'createMicrophoneAudioTrack', 'createMicrophoneAudioTrack']
    assert 'Traceback' not in app.log()


def test_a_voice_call_turned_into_video_over_signaling_2(start_app, chromium, cloud, tmp_path):
    app = start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE,
                    AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)), DEMO_USERS='carol')
    alice_id, bob_id = 2, 3  # carol is account 1 (DEMO_USERS), then alice and bob register
    alice, bob = two_people(chromium, app.url, cloud, logins=(str(alice_id), str(bob_id)))
    by_testid(alice, 'voice-call-bob').click()
    message = json.loads(cloud.wait_for_user_message(str(alice_id), str(bob_id))['text'])
    assert message['message_action'] == 10  # CallAPI's AudioCall
    voice_call_turned_into_video(alice, bob, '[data-testid="remote-video"] video')

    # A CallAPI app's AudioCall rings as a voice call.
    carol = CallApiPeer(cloud, 1)
    try:
        assert carol.call(bob_id, 'carol-and-bob', audio=True)
        expect(by_testid(bob, 'incoming-caller')).to_have_text('carol')
        expect(by_testid(bob, 'incoming-call')).to_contain_text('is calling you · voice call')
        carol.wait_for(lambda peer: peer.state == CALLING)
        by_testid(bob, 'decline-call').click()
        carol.wait_for(lambda peer: peer.events[-1:] == ['remoteRejected'])
        expect(by_testid(bob, 'history-item').first).to_contain_text('Voice call · Declined')
    finally:
        carol.log_out()
    assert 'Traceback' not in app.log()
