"""Signaling 2.x mode (the default with Agora credentials) against a CallAPI app, in real Chromium.

The pages load a stand-in of agora-rtm-sdk 2.3.0 (tests/agora_standins) that talks to the fake Agora cloud; carol
is a stand-in CallAPI app (tests/callapi_peer.py) logged in to that cloud as her account's id. Every message is
checked field for field against what CallAPI's Web source sends.
"""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from backend.decline_reply import peer_reply
from tokens import build_rtc_token, parse_token, verify_token

from .browser import by_testid, register
from .callapi_peer import CALLING, PREPARED, CallApiPeer
from .callapi_rtc import CallApiRtc
from .decline_steps import (
    HTML_REPLY,
    decline_with_a_quick_reply_by_keyboard,
    decline_with_own_words,
    expect_the_banner_announced,
    expect_the_reply_seen,
    refused_replies_send_nothing,
)
from .fake_agora_cloud import FakeAgoraCloud
from .test_browser_agora_mode import wait_until_connected

pytestmark = pytest.mark.browser

APP_ID = '970ca35de60c44645bbae8a215061b33'
CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'
CAROL, ALICE, BOB = 1, 2, 3  # account ids: carol is created at start-up (DEMO_USERS), then alice and bob register
FIELDS = {  # CallAPI's fields per message_action, in the order callApi.ts sends them
    0: ['callId', 'fromUserId', 'remoteUserId', 'fromRoomId', 'message_action'],
    1: ['callId', 'fromUserId', 'remoteUserId', 'message_action', 'cancelCallByInternal'],
    2: ['callId', 'fromUserId', 'remoteUserId', 'message_action'],
    3: ['callId', 'fromUserId', 'remoteUserId', 'message_action', 'rejectByInternal'],
    4: ['callId', 'fromUserId', 'remoteUserId', 'message_action'],
}


@pytest.fixture
def cloud():
    with FakeAgoraCloud() as cloud:
        yield cloud


@pytest.fixture
def world(start_app, cloud, chromium, tmp_path):
    # No SIGNALING: the default with Agora credentials is Signaling 2.x.
    app = start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE,
                    AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)), DEMO_USERS='carol', RING_TIMEOUT='12')
    contexts = [chromium.new_context() for _ in range(2)]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    cloud.wait_for_call('login', uid=str(ALICE))
    register(bob, app.url, 'bob')
    cloud.wait_for_call('login', uid=str(BOB))
    expect(by_testid(alice, 'status-bob')).to_have_text('online')  # presence channel of Signaling 2.x
    carol = CallApiPeer(cloud, CAROL, call_timeout=30)
    yield app, alice, bob, carol
    carol.log_out()
    for context in contexts:
        context.close()
    assert 'Traceback' not in app.log()
    assert cloud.errors == []


def is_callapis(text: str, action: int, sender: int, receiver: int, **extra: object) -> dict:
    """A message field for field as CallAPI sends it: names, order, JSON types and values."""
    message = json.loads(text)
    names = [*FIELDS[action][:4], 'rejectReason', *FIELDS[action][4:]] if 'rejectReason' in extra else FIELDS[action]
    assert list(message) == [*names, 'message_version', 'message_timestamp'], message
    assert message['message_version'] == '1.0' and type(message['message_timestamp']) is int
    assert (message['message_action'], message['fromUserId'], message['remoteUserId']) == (action, sender, receiver)
    assert type(message['callId']) is str and len(message['callId']) == 36
    for name, value in extra.items():
        assert message[name] == value and type(message[name]) is type(value), (name, message)
    return message


def last_text(cloud: FakeAgoraCloud, sender: int, receiver: int) -> str:
    """The text of the last user-channel message from `sender` to `receiver`, as it went over the wire."""
    return [m for m in cloud.user_messages if (m['from'], m['to']) == (str(sender), str(receiver))][-1]['text']


def test_login_token_is_for_the_account_id_and_the_sdk_calls_are_the_typings(world, cloud):
    login = cloud.wait_for_call('login', uid=str(ALICE))
    token = login['args'][0]['token']
    assert verify_token(token, CERTIFICATE)
    [rtm] = [service for service in parse_token(token)['services'] if service['name'] == 'rtm']
    assert rtm['user_id'] == str(ALICE)
    constructor = cloud.wait_for_call('constructor', uid=str(ALICE), sdk='rtm')
    assert constructor['args'][:2] == [APP_ID, str(ALICE)]
    assert constructor['args'][2]['presenceTimeout'] == 10
    subscribe = cloud.wait_for_call('subscribe', uid=str(ALICE))
    assert subscribe['args'][1] == {'withMessage': False, 'withPresence': True}
    mark = cloud.mark()
    cloud.rtm2_token_will_expire(str(ALICE))
    renewal = cloud.wait_for_call('renewToken', uid=str(ALICE), since=mark)
    assert verify_token(renewal['args'][0], CERTIFICATE)
    [rtm] = [service for service in parse_token(renewal['args'][0])['services'] if service['name'] == 'rtm']
    assert rtm['user_id'] == str(ALICE)


def test_ringboard_calls_a_callapi_app(world, cloud):
    app, alice, bob, carol = world
    # Declined by the person.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    video_call = is_callapis(last_text(cloud, ALICE, CAROL), 0, ALICE, CAROL)
    assert type(video_call['fromRoomId']) is str and video_call['fromRoomId']
    publish = cloud.wait_for_call('publish', uid=str(ALICE))
    assert publish['args'][0] == str(CAROL) and publish['args'][2] == {'channelType': 'USER'}
    assert publish['args'][1]['$type'] == 'Uint8Array'
    carol.reject()
    expect(by_testid(alice, 'call-notice')).to_have_text('carol declined')
    # Accepted, then CallAPI hangs up.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    carol.accept()
    expect(by_testid(alice, 'call-view')).to_be_visible()
    carol.hangup()
    expect(by_testid(alice, 'call-notice')).to_contain_text('carol hung up')
    # Accepted, then ringboard hangs up.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    call_id = carol.call_id
    carol.accept()
    by_testid(alice, 'hang-up').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteHangup'])
    is_callapis(last_text(cloud, ALICE, CAROL), 4, ALICE, CAROL, callId=call_id)
    # Cancelled by the caller.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    by_testid(alice, 'cancel-call').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteCancel'])
    is_callapis(last_text(cloud, ALICE, CAROL), 1, ALICE, CAROL, cancelCallByInternal=0)
    # Ring timeout (RING_TIMEOUT=12): ringboard's app cancels by itself.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    expect(by_testid(alice, 'call-notice')).to_have_text('No answer', timeout=20_000)
    carol.wait_for(lambda peer: peer.state == PREPARED)
    is_callapis(last_text(cloud, ALICE, CAROL), 1, ALICE, CAROL, cancelCallByInternal=1)
    # Busy with bob, which the registry knows: no invitation goes out.
    carol.call(BOB, 'carol-and-bob')
    expect(by_testid(bob, 'incoming-caller')).to_have_text('carol')
    sent = len(cloud.user_messages)
    by_testid(alice, 'call-carol').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('carol is on another call')
    carol.cancel_call()
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    assert [m['to'] for m in cloud.user_messages[sent:]] == [str(BOB)]  # only carol's cancel
    # Busy outside ringboard (with another CallAPI app): CallAPI auto-rejects with the callId of its own call.
    dave = CallApiPeer(cloud, 99)
    carol.call(99, 'carol-and-dave')
    dave.wait_for(lambda peer: peer.state == CALLING)
    mark = len(cloud.user_messages)
    by_testid(alice, 'call-carol').click()
    busy = cloud.wait_for_user_message(str(CAROL), str(ALICE), since=mark)
    is_callapis(busy['text'], 3, CAROL, ALICE, rejectReason='busy', rejectByInternal=1, callId=carol.call_id)
    expect(by_testid(alice, 'call-notice')).to_have_text('carol is on another call')
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    carol.cancel_call()
    dave.log_out()
    # Offline at once: the user-channel publish fails.
    carol.log_out()
    by_testid(alice, 'call-carol').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('carol is offline', timeout=10_000)
    assert 'Traceback' not in app.log()


def test_a_callapi_app_calls_ringboard(world, cloud):
    app, alice, bob, carol = world
    bob_again = bob.context.new_page()  # a second tab: it takes the Agora session over, both ring
    mark = cloud.mark()
    bob_again.goto(app.url)
    cloud.wait_for_call('login', uid=str(BOB), since=mark)
    expect(by_testid(bob, 'signaling-status')).to_contain_text('open in another tab or window')
    # Accepted on one tab; CallAPI hangs up.
    assert carol.call(BOB, 'room-1')
    for page in (bob, bob_again):
        expect(by_testid(page, 'incoming-caller')).to_have_text('carol')
    by_testid(bob, 'accept-call').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteAccepted'])
    is_callapis(last_text(cloud, BOB, CAROL), 2, BOB, CAROL, callId=carol.call_id)
    carol.hangup()
    expect(by_testid(bob, 'call-notice')).to_contain_text('carol hung up')
    # Declined.
    assert carol.call(BOB, 'room-2')
    by_testid(bob_again, 'decline-call').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteRejected'])
    is_callapis(last_text(cloud, BOB, CAROL), 3, BOB, CAROL, rejectByInternal=0)
    # Cancelled by CallAPI.
    assert carol.call(BOB, 'room-3')
    expect(by_testid(bob, 'incoming-caller')).to_have_text('carol')
    carol.cancel_call()
    for page in (bob, bob_again):
        expect(by_testid(page, 'incoming-call')).to_have_count(0)
    expect(by_testid(bob, 'call-notice')).to_have_text('carol cancelled · missed call')
    # CallAPI's own ring timeout.
    carol.call_timeout = 3
    assert carol.call(BOB, 'room-4')
    expect(by_testid(bob, 'incoming-caller')).to_have_text('carol')
    carol.wait_for(lambda peer: peer.events[-1:] == ['callingTimeout'])
    for page in (bob, bob_again):
        expect(by_testid(page, 'incoming-call')).to_have_count(0)
    expect(by_testid(bob_again, 'call-notice')).to_have_text('Missed call from carol')
    # Busy: bob is ringing alice; carol's call is refused as CallAPI refuses.
    carol.call_timeout = 30
    by_testid(bob_again, 'call-alice').click()
    expect(by_testid(alice, 'incoming-caller')).to_have_text('bob')
    assert carol.call(BOB, 'room-5')
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteCallBusy'])
    is_callapis(last_text(cloud, BOB, CAROL), 3, BOB, CAROL, rejectReason='busy', rejectByInternal=1)
    expect(by_testid(alice, 'incoming-caller')).to_have_text('bob')  # the ringing call goes on
    bob_again.close()


def test_bad_messages_change_nothing_and_presence_follows_a_closed_tab(world, cloud):
    app, alice, bob, carol = world
    for text in ('not json', '{"message_version":"1.0","message_action":0}', json.dumps({
            'callId': '3f2b8c1e-9d4a-4e6b-8a7c-1b2c3d4e5f60', 'fromUserId': CAROL, 'remoteUserId': BOB,
            'message_action': 4, 'message_version': '1.0', 'message_timestamp': 1})):
        assert carol.publish_raw(BOB, text)
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    deadline = time.monotonic() + 10  # the page passes each message on to the server in its own time
    while app.log().count('CallAPI message') < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert app.log().count('CallAPI message') == 3  # one line each
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    bob.context.close()
    expect(by_testid(alice, 'status-bob')).to_have_text('offline', timeout=15_000)
    by_testid(alice, 'call-carol').click()  # still usable: the next call rings
    carol.wait_for(lambda peer: peer.state == CALLING)


def test_two_ringboard_users_talk_over_signaling_2x_with_numeric_rtc_uids(world, cloud):
    app, alice, bob, _ = world
    by_testid(alice, 'call-bob').click()
    is_callapis(cloud.wait_for_user_message(str(ALICE), str(BOB))['text'], 0, ALICE, BOB)
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    joins = {record['args'][3] for record in cloud.calls() if record['method'] == 'join' and record['sdk'] == 'rtc'}
    assert joins == {ALICE, BOB}  # numbers, as CallAPI joins: a CallAPI app sees ringboard's media as its peer's
    sent = len(cloud.user_messages)
    by_testid(alice, 'hang-up').click()
    expect(by_testid(bob, 'call-notice')).to_contain_text('alice hung up')
    # The server ends the call (bob's page says so at once); alice's browser then sends CallAPI's hang-up.
    is_callapis(cloud.wait_for_user_message(str(ALICE), str(BOB), since=sent)['text'], 4, ALICE, BOB)
    assert 'CallAPI message' not in app.log()  # each side's echo of the registry is no warning (INFO, not shown)


def test_a_decline_reply_travels_as_callapis_reject_reason(world, cloud):
    _, alice, bob, carol = world
    # Between ringboard users: a quick reply, by keyboard only; then words of bob's own, shown as text.
    quick = "Can't talk now, I'll call you back"
    by_testid(alice, 'call-bob').click()
    expect_the_banner_announced(bob, 'alice')
    sent = len(cloud.user_messages)
    decline_with_a_quick_reply_by_keyboard(bob, quick)
    expect_the_reply_seen(alice, bob, quick)
    is_callapis(cloud.wait_for_user_message(str(BOB), str(ALICE), since=sent)['text'], 3, BOB, ALICE,
                rejectReason=quick, rejectByInternal=0)
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    sent = len(cloud.user_messages)
    refused_replies_send_nothing(alice, bob)
    assert [m for m in cloud.user_messages[sent:] if m['from'] == str(BOB)] == []  # nothing from bob
    decline_with_own_words(bob, HTML_REPLY)
    expect_the_reply_seen(alice, bob, HTML_REPLY)
    is_callapis(cloud.wait_for_user_message(str(BOB), str(ALICE), since=sent)['text'], 3, BOB, ALICE,
                rejectReason=HTML_REPLY, rejectByInternal=0)
    # A CallAPI app's rejectReason is its reply: shown to the ringboard caller as text, cut to a short line.
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    long_reason = HTML_REPLY + '\n' + 'z' * 150
    carol.reject(long_reason)
    expect(by_testid(alice, 'decline-reason')).to_have_text(peer_reply(long_reason))
    expect(by_testid(alice, 'call-notice')).to_contain_text('carol replied:')
    expect(by_testid(alice, 'history-item').first).to_contain_text(f'Declined · “{HTML_REPLY} zzz')
    assert alice.locator('[data-testid="call-notice"] img, [data-testid="history"] img').count() == 0
    # ringboard declines a CallAPI app's call with a quick reply: CallAPI's reject(uid, reason).
    assert carol.call(BOB, 'room-reply')
    expect(by_testid(bob, 'incoming-caller')).to_have_text('carol')
    by_testid(bob, 'decline-with-message').click()
    by_testid(bob, 'quick-reply').filter(has_text='In a meeting').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteRejected'])
    is_callapis(last_text(cloud, BOB, CAROL), 3, BOB, CAROL, rejectReason='In a meeting', rejectByInternal=0)
    expect(by_testid(bob, 'call-notice')).to_have_text('You replied to carol: In a meeting')


def test_a_callapi_app_shows_online_while_present_in_its_own_channel(world, cloud):
    _, alice, bob, _ = world
    # CallAPI's Web kit joins no channel: nothing in Signaling says it is online, though a call reaches it.
    expect(by_testid(alice, 'status-carol')).to_have_text('offline')
    deadline = time.monotonic() + 10
    def watched() -> list:
        return [r['args'] for r in cloud.calls(str(ALICE)) if r['method'] == 'subscribe' and r['args'][0] == str(CAROL)]
    while not watched() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert watched() == [[str(CAROL), {'withMessage': False, 'withPresence': True, 'beQuiet': True}]]
    # Present in its own-id channel, as CallAPI 2.x's CallRtmManager.joinChannel does: online, then a logout.
    app_carol = CallApiPeer(cloud, CAROL, present=True, presence_timeout=10)
    for page in (alice, bob):
        expect(by_testid(page, 'status-carol')).to_have_text('online')
    app_carol.log_out()
    expect(by_testid(alice, 'status-carol')).to_have_text('offline')
    # Killed without logout: offline once its presenceTimeout (10 s here; the SDK allows 5 at least) has passed.
    app_carol = CallApiPeer(cloud, CAROL, present=True, presence_timeout=10)
    expect(by_testid(alice, 'status-carol')).to_have_text('online')
    app_carol.vanish()
    expect(by_testid(alice, 'status-carol')).to_have_text('offline', timeout=15_000)
    expect(by_testid(alice, 'status-bob')).to_have_text('online')  # the ringboard channel is unaffected
    # A snapshot of someone's own channel counts its owner only: a re-login of alice's tab keeps carol right.
    app_carol = CallApiPeer(cloud, CAROL, present=True, presence_timeout=10)
    expect(by_testid(alice, 'status-carol')).to_have_text('online')
    mark = cloud.mark()
    alice.reload()
    cloud.wait_for_call('login', uid=str(ALICE), since=mark)
    expect(by_testid(alice, 'status-carol')).to_have_text('online')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    app_carol.log_out()


def call_log(cloud: FakeAgoraCloud, since: int) -> list[tuple[int, int, int]]:
    """The messages between alice and carol from position `since`, each checked field for field as CallAPI's:
    (sender, action, callId)."""
    log = []
    for record in cloud.user_messages[since:]:
        sender, receiver = int(record['from']), int(record['to'])
        message = json.loads(record['text'])
        if {sender, receiver} == {ALICE, CAROL}:
            is_callapis(record['text'], message['message_action'], sender, receiver)
            log.append((sender, message['message_action'], message['callId']))
    return log


def test_media_flows_between_ringboard_and_a_callapi_apps_rtc_side(world, cloud, chromium, tmp_path):
    _, alice, _, carol = world
    carol_rtc = CallApiRtc(chromium.new_context().new_page(), cloud, tmp_path / 'callapi-app')
    # ringboard -> CallAPI: CallAPI joins fromRoomId as its numeric id on receipt of the VideoCall, while it rings.
    mark = len(cloud.user_messages)
    by_testid(alice, 'call-carol').click()
    carol.wait_for(lambda peer: peer.state == CALLING)
    room = carol.room
    carol_rtc.join(APP_ID, room, build_rtc_token(APP_ID, CERTIFICATE, room, CAROL), CAROL, ALICE)
    carol.accept()
    wait_until_connected(alice)  # carol's video plays on the ringboard tab
    carol_rtc.wait_for_remote_media()  # and alice's video and audio reach the CallAPI side
    [join] = [r for r in cloud.calls(str(ALICE)) if r['sdk'] == 'rtc' and r['method'] == 'join']
    assert join['args'][1:4:2] == [room, ALICE]  # the CallAPI room, the numeric uid
    assert cloud.channel_members(room) == {ALICE: {'audio': True, 'video': True}, CAROL: {'audio': True, 'video': True}}
    # ringboard hangs up: CallAPI gets Hangup and destroys (leaves); ringboard's side has left too.
    by_testid(alice, 'hang-up').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteHangup'])
    carol_rtc.wait_for_event('remoteLeft', ALICE)
    carol_rtc.leave()
    expect(by_testid(alice, 'call-view')).to_have_count(0)
    wait_for_empty_channel(cloud, room)
    call_id = json.loads(cloud.user_messages[mark]['text'])['callId']
    assert call_log(cloud, mark) == [(ALICE, 0, call_id), (CAROL, 2, call_id), (ALICE, 4, call_id)]

    # CallAPI -> ringboard: CallAPI joins its own room when it calls; CallAPI hangs up.
    room = '6f1c2b8e-5d4a-4c3b-9a8f-7e6d5c4b3a21'  # CallAPI's roomId: a uuid of its own
    mark = len(cloud.user_messages)
    assert carol.call(ALICE, room)
    call_id = carol.call_id
    carol_rtc.join(APP_ID, room, build_rtc_token(APP_ID, CERTIFICATE, room, CAROL), CAROL, ALICE)
    by_testid(alice, 'accept-call').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteAccepted'])
    wait_until_connected(alice)
    carol_rtc.wait_for_remote_media()
    assert cloud.channel_members(room) == {ALICE: {'audio': True, 'video': True}, CAROL: {'audio': True, 'video': True}}
    carol.hangup()
    carol_rtc.leave()
    expect(by_testid(alice, 'call-notice')).to_contain_text('carol hung up')
    expect(by_testid(alice, 'call-view')).to_have_count(0)
    wait_for_empty_channel(cloud, room)
    assert call_log(cloud, mark) == [(CAROL, 0, call_id), (ALICE, 2, call_id), (CAROL, 4, call_id)]
    carol_rtc.close()


def wait_for_empty_channel(cloud: FakeAgoraCloud, room: str) -> None:
    deadline = time.monotonic() + 10
    while cloud.channel_members(room) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cloud.channel_members(room) == {}


def test_glare_with_a_callapi_app_is_one_call(world, cloud, chromium, tmp_path):
    app, alice, _, carol = world
    carol_rtc = CallApiRtc(chromium.new_context().new_page(), cloud, tmp_path / 'callapi-app')
    # alice calls carol while carol's app calls alice: each invitation is in flight when the other leaves.
    carol.hold()
    mark = len(cloud.user_messages)
    by_testid(alice, 'call-carol').click()
    video_call = is_callapis(cloud.wait_for_user_message(str(ALICE), str(CAROL), since=mark)['text'], 0, ALICE, CAROL)
    room = 'carol-own-room'
    assert carol.call(ALICE, room)
    own_call_id = carol.call_id
    carol_rtc.join(APP_ID, room, build_rtc_token(APP_ID, CERTIFICATE, room, CAROL), CAROL, ALICE)  # as call() does
    accept = cloud.wait_for_user_message(str(ALICE), str(CAROL), since=mark + 2)  # after carol's VideoCall
    is_callapis(accept['text'], 2, ALICE, CAROL, callId=video_call['callId'])
    carol.release()  # CallAPI takes alice's call in place of its own, then gets the Accept it waits for
    carol.wait_for(lambda peer: peer.events[-2:] == ['remoteVideoCall', 'remoteAccepted'])
    assert (carol.call_id, carol.room) == (video_call['callId'], video_call['fromRoomId'])
    assert [json.loads(m['text'])['message_action'] for m in cloud.user_messages[mark:]
            if m['from'] == str(ALICE)] == [0, 2]  # nothing about carol's own invitation
    assert own_call_id not in ''.join(m['text'] for m in cloud.user_messages if m['from'] == str(ALICE))
    expect(by_testid(alice, 'incoming-call')).to_have_count(0)
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    # CallAPI's RTC stays in the room it joined when it called: the one call meets there.
    wait_until_connected(alice)
    carol_rtc.wait_for_remote_media()
    assert cloud.channel_members(room) == {ALICE: {'audio': True, 'video': True}, CAROL: {'audio': True, 'video': True}}
    # One call: hanging up ends it for both, with alice's callId.
    by_testid(alice, 'hang-up').click()
    carol.wait_for(lambda peer: peer.events[-1:] == ['remoteHangup'])
    is_callapis(last_text(cloud, ALICE, CAROL), 4, ALICE, CAROL, callId=video_call['callId'])
    carol_rtc.wait_for_event('remoteLeft', ALICE)
    carol_rtc.leave()
    expect(by_testid(alice, 'call-view')).to_have_count(0)
    assert 'CallAPI message' not in app.log()
    carol_rtc.close()
