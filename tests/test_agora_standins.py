"""The stand-in Agora SDKs and the fake Agora cloud, on a bare static page in two Chromium contexts (no ringboard).

The page loads the stand-ins the way the app does: RTM 1.x with a <script> tag, then window.AgoraRTM; RTC 4.x with
`await import(url)` and its default export.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from .fake_agora_cloud import CLOUD_LINK, RTC_SDK_PATH, RTM_SDK_PATH, STANDINS, FakeAgoraCloud

pytestmark = pytest.mark.browser

APP_ID = '0123456789abcdef0123456789abcdef'

HARNESS = '''<!doctype html>
<html><head><meta charset="utf-8"><title>Agora stand-in harness</title></head>
<body>
<div id="local" style="width:320px;height:240px"></div>
<div id="remote" style="width:320px;height:240px"></div>
<script>
const APP_ID = "__APP_ID__";
const SDK = new URLSearchParams(location.search).get("sdk") || "agora-sdk";
const RTM_URL = new URL(`${SDK}/__RTM_PATH__`, location.href).href;
const RTC_URL = new URL(`${SDK}/__RTC_PATH__`, location.href).href;
const LOCAL_EVENTS = ["LocalInvitationReceivedByPeer", "LocalInvitationAccepted", "LocalInvitationRefused",
                      "LocalInvitationCanceled", "LocalInvitationFailure"];
const REMOTE_EVENTS = ["RemoteInvitationAccepted", "RemoteInvitationRefused", "RemoteInvitationCanceled",
                       "RemoteInvitationFailure"];
const RTC_EVENTS = ["user-joined", "user-left", "user-published", "user-unpublished", "user-info-updated",
                    "connection-state-change", "token-privilege-will-expire", "token-privilege-did-expire",
                    "network-quality", "exception"];
window.log = [];
function plain(value) {
  if (value && typeof value === "object" && "uid" in value && "hasVideo" in value) {
    return {uid: value.uid, hasAudio: value.hasAudio, hasVideo: value.hasVideo};
  }
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
function note(source, name, args) {
  log.push({source, name, args: args.map(plain), at: performance.now()});
}
function errorInfo(error) {
  return {name: error && error.name, code: error && error.code, message: error && error.message};
}
window.attempt = (fn) => {
  try { return {ok: true, value: plain(fn())}; } catch (error) { return {ok: false, error: errorInfo(error)}; }
};
window.settle = (promise) => promise.then((value) => ({ok: true, value: plain(value)}),
                                          (error) => ({ok: false, error: errorInfo(error)}));
window.pendingAfter = (promise, ms) => Promise.race([
  promise.then(() => "settled", () => "settled"),
  new Promise((resolve) => setTimeout(() => resolve("pending"), ms))]);

window.loadRtm = () => new Promise((resolve, reject) => {
  if (window.AgoraRTM) return resolve(true);
  const script = document.createElement("script");
  script.src = RTM_URL;
  script.onload = () => (window.AgoraRTM ? resolve(true) : reject(new Error("AgoraRTM missing")));
  script.onerror = () => reject(new Error("could not load " + RTM_URL));
  document.head.appendChild(script);
});
window.loadRtc = async () => {
  if (!window.AgoraRTC) window.AgoraRTC = (await import(RTC_URL)).default;
  return true;
};

window.rtmLogin = async (uid, token) => {
  await loadRtm();
  if (!window.rtm) {
    window.rtm = AgoraRTM.createInstance(APP_ID, {enableLogUpload: false, logFilter: AgoraRTM.LOG_FILTER_WARNING});
    for (const name of ["ConnectionStateChanged", "PeersOnlineStatusChanged", "TokenPrivilegeWillExpire",
                        "TokenExpired", "MessageFromPeer"]) {
      rtm.on(name, (...args) => note("rtm", name, args));
    }
    rtm.on("RemoteInvitationReceived", (invitation) => {
      window.remoteInvitation = invitation;
      note("rtm", "RemoteInvitationReceived", [{callerId: invitation.callerId, channelId: invitation.channelId,
                                                content: invitation.content, state: invitation.state}]);
      for (const name of REMOTE_EVENTS) invitation.on(name, (...args) => note("remote", name, args));
    });
  }
  return settle(rtm.login({uid, token}));
};
window.invite = (calleeId, content, channelId) => {
  const invitation = rtm.createLocalInvitation(calleeId);
  invitation.content = content;
  invitation.channelId = channelId;
  for (const name of LOCAL_EVENTS) invitation.on(name, (...args) => note("local", name, args));
  window.localInvitation = invitation;
  note("test", "send", []);
  invitation.send();
  return invitation.state;
};

window.rtcJoin = async (channel, token, uid) => {
  await loadRtc();
  window.rtc = AgoraRTC.createClient({mode: "rtc", codec: "vp8"});
  for (const name of RTC_EVENTS) rtc.on(name, (...args) => note("rtc", name, args));
  rtc.on("user-published", async (user, mediaType) => {
    const track = await rtc.subscribe(user, mediaType);
    if (mediaType === "video") track.play("remote");
    else track.play();
  });
  window.joined = settle(rtc.join(APP_ID, channel, token, uid));
  return true;
};
window.startMedia = async () => {
  const [mic, cam] = await AgoraRTC.createMicrophoneAndCameraTracks();
  window.mic = mic;
  window.cam = cam;
  cam.play("local");
  await rtc.publish([mic, cam]);
  return [mic.getTrackId(), cam.getTrackId()];
};
window.remoteAdvancing = async () => {
  const video = document.querySelector("#remote video");
  if (!video || video.videoWidth === 0) return false;
  const before = video.currentTime;
  await new Promise((resolve) => setTimeout(resolve, 400));
  return video.currentTime > before;
};
</script>
</body></html>
'''.replace('__APP_ID__', APP_ID).replace('__RTM_PATH__', RTM_SDK_PATH).replace('__RTC_PATH__', RTC_SDK_PATH)

CONNECTION_STATE = {'DISCONNECTED': 'DISCONNECTED', 'CONNECTING': 'CONNECTING', 'CONNECTED': 'CONNECTED',
                    'RECONNECTING': 'RECONNECTING', 'ABORTED': 'ABORTED'}
CONNECTION_CHANGE_REASON = {name: name for name in (
    'LOGIN', 'LOGIN_SUCCESS', 'LOGIN_FAILURE', 'LOGIN_TIMEOUT', 'INTERRUPTED', 'LOGOUT', 'BANNED_BY_SERVER',
    'REMOTE_LOGIN', 'TOKEN_EXPIRED')}
LOCAL_INVITATION_STATE = {name: name for name in (
    'IDLE', 'SENT_TO_REMOTE', 'RECEIVED_BY_REMOTE', 'ACCEPTED_BY_REMOTE', 'REFUSED_BY_REMOTE', 'CANCELED', 'FAILURE')}
REMOTE_INVITATION_STATE = {name: name for name in (
    'INVITATION_RECEIVED', 'ACCEPT_SENT_TO_LOCAL', 'REFUSED', 'ACCEPTED', 'CANCELED', 'FAILURE')}
LOCAL_FAILURE = {name: name for name in (
    'UNKNOWN', 'PEER_NO_RESPONSE', 'INVITATION_EXPIRE', 'PEER_OFFLINE', 'NOT_LOGGEDIN')}
REMOTE_FAILURE = {name: name for name in ('UNKNOWN', 'PEER_OFFLINE', 'ACCEPT_FAILURE', 'INVITATION_EXPIRE')}
PEER_ONLINE_STATE = {'ONLINE': 'ONLINE', 'UNREACHABLE': 'UNREACHABLE', 'OFFLINE': 'OFFLINE'}
REMOTE_VIDEO_RUNNING = '''(() => {
    const video = document.querySelector("#remote video");
    return !!video && video.videoWidth > 0 && video.currentTime > 0.2;
})()'''
# A busy page: a timer set to run at once runs 3 s late (other timers keep their delay).
LATE_TIMERS = '''(() => { const original = window.setTimeout;
                          window.setTimeout = (fn, ms, ...args) => original(fn, ms || 3000, ...args); })()'''
LOG_FILTER_WARNING = {'error': True, 'warn': True, 'info': False, 'track': False, 'debug': False}


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                                                '.mjs': 'text/javascript', '.js': 'text/javascript'}

    def log_message(self, fmt: str, *args: object) -> None:
        pass


@pytest.fixture
def cloud() -> Iterator[FakeAgoraCloud]:
    with FakeAgoraCloud(peer_offline_delay=0.6, login_timeout=1.5, accept_timeout=2.0) as running:
        yield running
        assert running.errors == []


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / 'site'
    root.mkdir()
    (root / 'index.html').write_text(HARNESS, encoding='utf-8')
    return root


@pytest.fixture
def site(cloud: FakeAgoraCloud, site_root: Path) -> Iterator[str]:
    cloud.sdk_folder(site_root)
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(_QuietHandler, directory=str(site_root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{server.server_address[1]}/index.html'
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_page(chromium, site: str):
    contexts, page_errors = [], []

    def open_(query: str = ''):
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.on('pageerror', lambda error: page_errors.append(str(error)))
        page.goto(site + query)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert page_errors == []


def events(page, source: str | None = None, name: str | None = None) -> list[dict]:
    return [e for e in page.evaluate('log') if (source is None or e['source'] == source)
            and (name is None or e['name'] == name)]


def wait_event(page, source: str, name: str, count: int = 1, timeout: float = 10) -> dict:
    """The `count`-th event `name` from `source`, waiting for it."""
    page.wait_for_function('([s, n, c]) => log.filter(e => e.source === s && e.name === n).length >= c',
                           arg=[source, name, count], timeout=timeout * 1000)
    return events(page, source, name)[count - 1]


def args_of(page, source: str, name: str) -> list[list]:
    return [e['args'] for e in events(page, source, name)]


def logged_in(page, uid: str, token: str | None = None) -> None:
    assert page.evaluate('([u, t]) => rtmLogin(u, t)', [uid, token or f'007{uid}']) == {'ok': True, 'value': None}


# ---- RTM ----


def test_rtm_login_presence_enums_and_call_log(open_page, cloud):
    alice, bob = open_page(), open_page()
    first, too_soon = alice.evaluate('''rtmLogin("alice", "007alice").then(async (first) =>
        [first, await settle(rtm.login({uid: "alice", token: "007soon"}))])''')  # at most 2 logins a second
    assert first == {'ok': True, 'value': None}
    assert too_soon['error']['name'] == 'RtmInvokeTooOftenError' and too_soon['error']['code'] == 10
    assert args_of(alice, 'rtm', 'ConnectionStateChanged') == [['CONNECTING', 'LOGIN'], ['CONNECTED', 'LOGIN_SUCCESS']]
    assert alice.evaluate('rtm.connectionState') == 'CONNECTED'

    namespace = alice.evaluate('''({
        ConnectionState: AgoraRTM.ConnectionState, ConnectionChangeReason: AgoraRTM.ConnectionChangeReason,
        LocalInvitationState: AgoraRTM.LocalInvitationState, RemoteInvitationState: AgoraRTM.RemoteInvitationState,
        LocalInvitationFailureReason: AgoraRTM.LocalInvitationFailureReason,
        RemoteInvitationFailureReason: AgoraRTM.RemoteInvitationFailureReason,
        PeerOnlineState: AgoraRTM.PeerOnlineState, LOG_FILTER_WARNING: AgoraRTM.LOG_FILTER_WARNING,
        LOG_FILTER_OFF: AgoraRTM.LOG_FILTER_OFF, VERSION: AgoraRTM.VERSION})''')
    assert namespace == {
        'ConnectionState': CONNECTION_STATE, 'ConnectionChangeReason': CONNECTION_CHANGE_REASON,
        'LocalInvitationState': LOCAL_INVITATION_STATE, 'RemoteInvitationState': REMOTE_INVITATION_STATE,
        'LocalInvitationFailureReason': LOCAL_FAILURE, 'RemoteInvitationFailureReason': REMOTE_FAILURE,
        'PeerOnlineState': PEER_ONLINE_STATE, 'LOG_FILTER_WARNING': LOG_FILTER_WARNING,
        'LOG_FILTER_OFF': dict.fromkeys(LOG_FILTER_WARNING, False), 'VERSION': '1.5.1'}

    assert alice.evaluate('rtm.queryPeersOnlineStatus(["bob", "alice"])') == {'bob': False, 'alice': True}
    too_many = alice.evaluate('settle(rtm.queryPeersOnlineStatus(Array.from({length: 257}, (_, i) => "u" + i)))')
    assert too_many['error']['name'] == 'RtmInvalidArgumentError'

    alice.evaluate('rtm.subscribePeersOnlineStatus(["bob"])')
    assert wait_event(alice, 'rtm', 'PeersOnlineStatusChanged')['args'] == [{'bob': 'OFFLINE'}]
    logged_in(bob, 'bob')
    assert wait_event(alice, 'rtm', 'PeersOnlineStatusChanged', 2)['args'] == [{'bob': 'ONLINE'}]
    cloud.set_online('bob', 'UNREACHABLE')
    assert wait_event(alice, 'rtm', 'PeersOnlineStatusChanged', 3)['args'] == [{'bob': 'UNREACHABLE'}]
    cloud.set_online('bob', None)
    assert wait_event(alice, 'rtm', 'PeersOnlineStatusChanged', 4)['args'] == [{'bob': 'ONLINE'}]
    assert bob.evaluate('settle(rtm.logout())') == {'ok': True, 'value': None}
    assert args_of(bob, 'rtm', 'ConnectionStateChanged')[-1] == ['DISCONNECTED', 'LOGOUT']
    assert wait_event(alice, 'rtm', 'PeersOnlineStatusChanged', 5)['args'] == [{'bob': 'OFFLINE'}]
    assert cloud.presence('bob') == 'OFFLINE' and cloud.presence('alice') == 'ONLINE'
    again = alice.evaluate('''new Promise((resolve) => setTimeout(resolve, 600))
                              .then(() => settle(rtm.login({uid: "alice", token: "007again"})))''')
    assert again['error']['name'] == 'RtmInvalidStatusError' and again['error']['code'] == 8

    calls = cloud.calls('alice')
    assert calls[:2] == [
        {'uid': 'alice', 'sdk': 'rtm', 'object': 'AgoraRTM', 'method': 'createInstance',
         'args': [APP_ID, {'enableLogUpload': False, 'logFilter': LOG_FILTER_WARNING}]},
        {'uid': 'alice', 'sdk': 'rtm', 'object': 'client', 'method': 'login',
         'args': [{'uid': 'alice', 'token': '007alice'}]},
    ]
    assert cloud.wait_for_call('queryPeersOnlineStatus', uid='alice')['args'] == [['bob', 'alice']]
    assert cloud.wait_for_call('subscribePeersOnlineStatus', uid='alice')['args'] == [['bob']]
    assert cloud.wait_for_call('logout', uid='bob')['args'] == []
    assert [c['method'] for c in cloud.calls('bob')] == ['createInstance', 'login', 'logout']
    with pytest.raises(AssertionError, match='renewToken'):
        cloud.wait_for_call('renewToken', uid='alice', timeout=0.2)


def test_invitation_accepted_on_both_sides(open_page, cloud):
    alice, bob = open_page(), open_page()
    logged_in(alice, 'alice')
    logged_in(bob, 'bob')
    assert alice.evaluate('invite("bob", "call-1", "channel-1")') == 'SENT_TO_REMOTE'
    assert wait_event(bob, 'rtm', 'RemoteInvitationReceived')['args'] == [
        {'callerId': 'alice', 'channelId': 'channel-1', 'content': 'call-1', 'state': 'INVITATION_RECEIVED'}]
    wait_event(alice, 'local', 'LocalInvitationReceivedByPeer')
    assert alice.evaluate('localInvitation.state') == 'RECEIVED_BY_REMOTE'

    # Misuse throws, as the typings' "throw on misuse" says; channelId is fixed once sent.
    assert alice.evaluate('localInvitation.channelId = "elsewhere"; localInvitation.channelId') == 'channel-1'
    resend = alice.evaluate('attempt(() => localInvitation.send())')
    assert resend['error']['name'] == 'RtmInvalidStatusError' and resend['error']['code'] == 5
    assert alice.evaluate('attempt(() => { localInvitation.response = "x"; })')['ok'] is False
    assert bob.evaluate('attempt(() => { remoteInvitation.content = "x"; })')['ok'] is False

    bob.evaluate('remoteInvitation.response = "on my way"; remoteInvitation.accept()')
    assert wait_event(alice, 'local', 'LocalInvitationAccepted')['args'] == ['on my way']
    assert wait_event(bob, 'remote', 'RemoteInvitationAccepted')['args'] == []
    assert alice.evaluate('[localInvitation.state, localInvitation.response]') == ['ACCEPTED_BY_REMOTE', 'on my way']
    assert bob.evaluate('remoteInvitation.state') == 'ACCEPTED'
    assert bob.evaluate('attempt(() => remoteInvitation.accept())')['error']['code'] == 3

    send = cloud.wait_for_call('send', uid='alice')
    assert send == {'uid': 'alice', 'sdk': 'rtm', 'object': 'LocalInvitation', 'method': 'send', 'args': [],
                    'invitation': {'calleeId': 'bob', 'content': 'call-1', 'channelId': 'channel-1',
                                   'response': '', 'state': 'IDLE'}}
    assert cloud.wait_for_call('createLocalInvitation', uid='alice')['args'] == ['bob']
    accept = cloud.wait_for_call('accept', uid='bob')
    assert accept['object'] == 'RemoteInvitation' and accept['args'] == []
    assert accept['invitation'] == {'callerId': 'alice', 'content': 'call-1', 'channelId': 'channel-1',
                                    'response': 'on my way', 'state': 'INVITATION_RECEIVED'}


def test_invitation_refused_then_canceled(open_page, cloud):
    alice, bob = open_page(), open_page()
    logged_in(alice, 'alice')
    logged_in(bob, 'bob')
    alice.evaluate('invite("bob", "call-1", "channel-1")')
    wait_event(bob, 'rtm', 'RemoteInvitationReceived')
    bob.evaluate('remoteInvitation.response = "busy"; remoteInvitation.refuse()')
    assert wait_event(alice, 'local', 'LocalInvitationRefused')['args'] == ['busy']
    assert args_of(bob, 'remote', 'RemoteInvitationRefused') == [[]]
    assert alice.evaluate('localInvitation.state') == 'REFUSED_BY_REMOTE'
    assert cloud.wait_for_call('refuse', uid='bob')['invitation']['response'] == 'busy'

    alice.evaluate('invite("bob", "call-2", "channel-2")')
    assert wait_event(bob, 'rtm', 'RemoteInvitationReceived', 2)['args'][0]['content'] == 'call-2'
    wait_event(alice, 'local', 'LocalInvitationReceivedByPeer', 2)
    alice.evaluate('localInvitation.content = "call-2 (canceled)"; localInvitation.cancel()')
    assert args_of(alice, 'local', 'LocalInvitationCanceled') == [[]]  # at once, on the caller itself
    assert wait_event(bob, 'remote', 'RemoteInvitationCanceled')['args'] == ['call-2 (canceled)']
    assert bob.evaluate('remoteInvitation.state') == 'CANCELED'
    assert alice.evaluate('attempt(() => localInvitation.cancel())')['error']['code'] == 3
    cancel = cloud.wait_for_call('cancel', uid='alice')
    assert cancel['invitation']['content'] == 'call-2 (canceled)' and cancel['invitation']['channelId'] == 'channel-2'
    assert [c['method'] for c in cloud.calls('bob') if c['object'] == 'RemoteInvitation'] == ['refuse']


def test_peer_offline_no_response_and_injected_events(open_page, cloud):
    alice, bob = open_page(), open_page()
    logged_in(alice, 'alice')
    logged_in(bob, 'bob')
    alice.evaluate('invite("carol", "call-1", "channel-1")')
    failure = wait_event(alice, 'local', 'LocalInvitationFailure')
    assert failure['args'] == ['PEER_OFFLINE']
    assert failure['at'] - events(alice, 'test', 'send')[0]['at'] >= 550  # peer_offline_delay 0.6 s
    assert alice.evaluate('localInvitation.state') == 'FAILURE'

    cloud.set_online('dave', 'ONLINE')  # online as far as presence goes, but no session to deliver to
    alice.evaluate('invite("dave", "call-2", "channel-2")')
    assert wait_event(alice, 'local', 'LocalInvitationFailure', 2)['args'] == ['PEER_NO_RESPONSE']

    alice.evaluate('invite("bob", "call-3", "channel-3")')
    wait_event(bob, 'rtm', 'RemoteInvitationReceived')
    cloud.invitation_event('alice', 'LocalInvitationFailure', 'PEER_NO_RESPONSE')
    assert wait_event(alice, 'local', 'LocalInvitationFailure', 3)['args'] == ['PEER_NO_RESPONSE']
    assert alice.evaluate('localInvitation.state') == 'FAILURE'
    cloud.invitation_event('bob', 'RemoteInvitationFailure', 'INVITATION_EXPIRE')
    assert wait_event(bob, 'remote', 'RemoteInvitationFailure')['args'] == ['INVITATION_EXPIRE']

    cloud.rtm_event('alice', 'TokenPrivilegeWillExpire')
    assert wait_event(alice, 'rtm', 'TokenPrivilegeWillExpire')['args'] == []
    assert alice.evaluate('settle(rtm.renewToken("007renewed"))') == {'ok': True, 'value': None}
    assert cloud.wait_for_call('renewToken', uid='alice')['args'] == ['007renewed']
    cloud.rtm_event('alice', 'ConnectionStateChanged', 'RECONNECTING', 'INTERRUPTED')
    assert wait_event(alice, 'rtm', 'ConnectionStateChanged', 3)['args'] == ['RECONNECTING', 'INTERRUPTED']
    assert alice.evaluate('rtm.connectionState') == 'RECONNECTING'


def test_second_login_of_a_uid_aborts_the_older_session(open_page, cloud):
    first, second = open_page(), open_page()
    logged_in(first, 'alice')
    logged_in(second, 'alice', token='007second')
    assert wait_event(first, 'rtm', 'ConnectionStateChanged', 3)['args'] == ['ABORTED', 'REMOTE_LOGIN']
    assert args_of(second, 'rtm', 'ConnectionStateChanged') == [['CONNECTING', 'LOGIN'], ['CONNECTED', 'LOGIN_SUCCESS']]
    # RTM 1.5.1: renewToken while ABORTED never settles; login needs a logout first.
    assert first.evaluate('pendingAfter(rtm.renewToken("007again"), 500)') == 'pending'
    assert first.evaluate('settle(rtm.login({uid: "alice", token: "007x"}))')['error']['code'] == 8
    assert first.evaluate('settle(rtm.logout())')['ok'] is True
    assert args_of(first, 'rtm', 'ConnectionStateChanged')[-1] == ['DISCONNECTED', 'LOGOUT']
    assert cloud.presence('alice') == 'ONLINE'
    cloud.wait_for_call('logout', uid='alice')  # a page's calls arrive in order: the logins before it are in
    assert [c['args'][0]['token'] for c in cloud.calls('alice') if c['method'] == 'login'] == [
        '007alice', '007second', '007x']


def test_login_failure_timeout_and_no_cloud_at_all(open_page, cloud, site_root):
    page = open_page()
    cloud.login_fails_with = (5, 'invalid token')
    assert page.evaluate('rtmLogin("alice", "bad")') == {
        'ok': False, 'error': {'name': 'RtmUnauthenticatedError', 'code': 5, 'message': 'invalid token'}}
    assert args_of(page, 'rtm', 'ConnectionStateChanged')[-1] == ['DISCONNECTED', 'LOGIN_FAILURE']

    cloud.login_fails_with = None
    cloud.unreachable = True
    started = time.monotonic()
    result = page.evaluate('rtmLogin("alice", "007alice")')
    assert 1.4 <= time.monotonic() - started < 5
    assert result == {'ok': False, 'error': {'name': 'RtmTimeoutError', 'code': 9,
                                             'message': 'Executing "RtmClient.login" timed out after 1s.'}}
    assert args_of(page, 'rtm', 'ConnectionStateChanged')[-2:] == [['CONNECTING', 'LOGIN'],
                                                                   ['DISCONNECTED', 'LOGIN_TIMEOUT']]

    # Stand-ins pointed at a cloud that is gone: Agora unreachable, but local media still works.
    with FakeAgoraCloud(login_timeout=1.0) as gone:
        gone.sdk_folder(site_root / 'dead')
    lonely = open_page('?sdk=dead/agora-sdk')
    result = lonely.evaluate('rtmLogin("bob", "007bob")')
    assert result['error']['code'] == 9 and result['error']['name'] == 'RtmTimeoutError'
    lonely.evaluate('rtcJoin("room", null, "bob")')
    assert lonely.evaluate('pendingAfter(joined, 1000)') == 'pending'
    assert lonely.evaluate('startMedia().then(() => "published", e => e.code)') == 'INVALID_OPERATION'
    assert lonely.evaluate('cam.getMediaStreamTrack().readyState') == 'live'
    lonely.evaluate('rtc.leave()')
    assert lonely.evaluate('joined')['error']['code'] == 'OPERATION_ABORTED'


# ---- RTC ----


def test_call_with_real_media_both_ways(open_page, cloud):
    alice, bob = open_page(), open_page()
    alice.evaluate('rtcJoin("room-1", "006alice", "alice")')
    assert alice.evaluate('joined') == {'ok': True, 'value': 'alice'}
    alice_tracks = alice.evaluate('startMedia()')
    bob.evaluate('rtcJoin("room-1", "006bob", "bob")')
    assert bob.evaluate('joined') == {'ok': True, 'value': 'bob'}
    bob.evaluate('startMedia()')

    for page in (alice, bob):
        page.wait_for_function(REMOTE_VIDEO_RUNNING, timeout=15_000)
        assert page.evaluate('remoteAdvancing()') is True
        assert page.evaluate('document.querySelector("#remote video").videoWidth') > 0
        assert page.evaluate('document.querySelector("#local video").videoWidth') > 0
    assert wait_event(bob, 'rtc', 'user-joined')['args'] == [{'uid': 'alice', 'hasAudio': False, 'hasVideo': False}]
    assert {e['args'][1] for e in events(bob, 'rtc', 'user-published')} == {'audio', 'video'}
    assert args_of(alice, 'rtc', 'connection-state-change')[:2] == [['CONNECTING', 'DISCONNECTED'],
                                                                    ['CONNECTED', 'CONNECTING']]
    remote_audio = bob.evaluate('''(() => { const t = rtc.remoteUsers[0].audioTrack.getMediaStreamTrack();
                                             return [t.kind, t.readyState, t.muted]; })()''')
    assert remote_audio == ['audio', 'live', False]
    assert cloud.channel_members('room-1') == {'alice': {'audio': True, 'video': True},
                                               'bob': {'audio': True, 'video': True}}

    alice.evaluate('cam.setMuted(true)')
    assert wait_event(bob, 'rtc', 'user-unpublished')['args'] == [
        {'uid': 'alice', 'hasAudio': True, 'hasVideo': False}, 'video']
    assert wait_event(bob, 'rtc', 'user-info-updated')['args'] == ['alice', 'mute-video']
    assert bob.evaluate('document.querySelector("#remote video")') is None
    alice.evaluate('cam.setMuted(false)')
    wait_event(bob, 'rtc', 'user-published', 3)
    bob.wait_for_function(REMOTE_VIDEO_RUNNING, timeout=10_000)
    assert bob.evaluate('remoteAdvancing()') is True

    assert wait_event(alice, 'rtc', 'network-quality')['args'] == [
        {'uplinkNetworkQuality': 1, 'downlinkNetworkQuality': 1}]
    cloud.rtc_event('bob', 'token-privilege-will-expire')
    wait_event(bob, 'rtc', 'token-privilege-will-expire')
    assert bob.evaluate('settle(rtc.renewToken("006bob-renewed"))')['ok'] is True
    assert cloud.wait_for_call('renewToken', uid='bob', sdk='rtc')['args'] == ['006bob-renewed']
    cloud.rtc_event('bob', 'network-quality', {'uplinkNetworkQuality': 4, 'downlinkNetworkQuality': 5})
    count = len(events(bob, 'rtc', 'network-quality'))
    assert wait_event(bob, 'rtc', 'network-quality', count + 1, timeout=4)['args'] == [
        {'uplinkNetworkQuality': 4, 'downlinkNetworkQuality': 5}]
    cloud.rtc_event('bob', 'connection-state-change', 'RECONNECTING', 'CONNECTED', 'NETWORK_ERROR')
    assert wait_event(bob, 'rtc', 'connection-state-change', 3)['args'] == ['RECONNECTING', 'CONNECTED',
                                                                           'NETWORK_ERROR']
    assert bob.evaluate('rtc.connectionState') == 'RECONNECTING'

    alice.evaluate('rtc.leave()')
    assert wait_event(bob, 'rtc', 'user-left')['args'] == [{'uid': 'alice', 'hasAudio': False, 'hasVideo': False},
                                                           'Quit']
    tail = [e['name'] for e in events(bob, 'rtc') if e['name'] in ('user-unpublished', 'user-left')][-3:]
    assert tail == ['user-unpublished', 'user-unpublished', 'user-left']
    assert bob.evaluate('rtc.remoteUsers.length') == 0
    assert args_of(alice, 'rtc', 'connection-state-change')[-2:] == [['DISCONNECTING', 'CONNECTED'],
                                                                     ['DISCONNECTED', 'DISCONNECTING', 'LEAVE']]
    cloud.rtc_event('bob', 'connection-state-change', 'DISCONNECTED', 'RECONNECTING', 'TOKEN_EXPIRE')
    assert wait_event(bob, 'rtc', 'connection-state-change', 4)['args'] == ['DISCONNECTED', 'RECONNECTING',
                                                                           'TOKEN_EXPIRE']
    assert bob.evaluate('[rtc.connectionState, rtc.uid]') == ['DISCONNECTED', None]
    deadline = time.monotonic() + 5
    while cloud.channel_members('room-1') and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cloud.channel_members('room-1') == {}

    join = cloud.wait_for_call('join', uid='alice')
    assert join == {'uid': 'alice', 'sdk': 'rtc', 'object': 'client', 'method': 'join',
                    'args': [APP_ID, 'room-1', '006alice', 'alice']}
    assert cloud.wait_for_call('createClient', uid='alice')['args'] == [{'mode': 'rtc', 'codec': 'vp8'}]
    assert cloud.wait_for_call('publish', uid='alice')['args'] == [[
        {'$type': 'MicrophoneAudioTrack', 'trackId': alice_tracks[0], 'kind': 'audio'},
        {'$type': 'CameraVideoTrack', 'trackId': alice_tracks[1], 'kind': 'video'}]]
    assert cloud.wait_for_call('leave', uid='alice')['args'] == []
    assert [c['args'] for c in cloud.calls('alice') if c['method'] == 'setMuted'] == [[True], [False]]
    subscribe = cloud.wait_for_call('subscribe', uid='bob')
    assert subscribe['args'][0] == {'$type': 'RemoteUser', 'uid': 'alice'}
    assert subscribe['args'][1] in ('audio', 'video')
    play = [c for c in cloud.calls('bob') if c['object'] == 'RemoteVideoTrack' and c['method'] == 'play']
    assert play and play[0]['args'] == ['remote']


def test_a_publish_right_after_a_join_comes_after_the_users_found_there(open_page, cloud):
    """The SDK reports the users already in the channel once join() resolved; a member's publish that reaches the
    page before that report (a busy page runs its timers late) is not lost: it comes after it, as with Agora."""
    alice, bob = open_page(), open_page()
    alice.evaluate('rtcJoin("room-5", "006alice", "alice")')
    assert alice.evaluate('joined') == {'ok': True, 'value': 'alice'}
    bob.evaluate(LATE_TIMERS)
    bob.evaluate('rtcJoin("room-5", "006bob", "bob")')
    assert bob.evaluate('joined') == {'ok': True, 'value': 'bob'}
    alice.evaluate('startMedia()')  # published while bob's report of alice is still to come
    wait_event(bob, 'rtc', 'user-published', 2)
    bob.wait_for_function(REMOTE_VIDEO_RUNNING, timeout=15_000)
    reported = [(e['name'], e['args'][-1]) for e in events(bob, 'rtc')
                if e['name'] in ('user-joined', 'user-published')]
    assert reported[0] == ('user-joined', {'uid': 'alice', 'hasAudio': False, 'hasVideo': False})
    assert sorted(reported[1:]) == [('user-published', 'audio'), ('user-published', 'video')]


def test_unanswered_join_is_aborted_by_leave(open_page, cloud):
    cloud.never_answer_join = True
    page = open_page()
    page.evaluate('rtcJoin("room-2", "006carol", "carol")')
    assert page.evaluate('pendingAfter(joined, 1000)') == 'pending'
    assert page.evaluate('rtc.connectionState') == 'CONNECTING'
    assert cloud.wait_for_call('join', uid='carol')['args'] == [APP_ID, 'room-2', '006carol', 'carol']
    page.evaluate('rtc.leave()')
    assert page.evaluate('joined') == {'ok': False, 'error': {
        'name': 'AgoraRTCException', 'code': 'OPERATION_ABORTED',
        'message': 'AgoraRTCError OPERATION_ABORTED: cancel token canceled'}}
    assert args_of(page, 'rtc', 'connection-state-change') == [['CONNECTING', 'DISCONNECTED'],
                                                              ['DISCONNECTED', 'CONNECTING', 'LEAVE']]
    assert cloud.channel_members('room-2') == {}


def test_media_errors_and_misuse_give_sdk_error_codes(open_page, cloud):
    page = open_page()
    page.evaluate('loadRtc()')
    assert page.evaluate('AgoraRTC.VERSION') == '4.24.2'
    cameras = page.evaluate('AgoraRTC.getCameras().then(list => list.map(d => d.kind))')
    assert cameras and set(cameras) == {'videoinput'}
    assert set(page.evaluate('AgoraRTC.getDevices().then(list => list.map(d => d.kind))')) >= {'audioinput',
                                                                                             'videoinput'}
    page.evaluate('AgoraRTC.setLogLevel(3); AgoraRTC.disableLogUpload()')
    assert cloud.wait_for_call('setLogLevel')['args'] == [3]

    codes = page.evaluate('''async () => {
        const codes = {};
        for (const name of ["NotAllowedError", "NotFoundError", "NotReadableError", "OverconstrainedError"]) {
            navigator.mediaDevices.getUserMedia = async () => { throw new DOMException("nope", name); };
            const error = await AgoraRTC.createMicrophoneAndCameraTracks().then(() => null, e => e);
            codes[name] = [error.name, error.code, error.message];
        }
        return codes;
    }''')
    assert codes == {
        name: ['AgoraRTCException', code, f'AgoraRTCError {code}: {name}: nope'] for name, code in (
            ('NotAllowedError', 'PERMISSION_DENIED'), ('NotFoundError', 'DEVICE_NOT_FOUND'),
            ('NotReadableError', 'NOT_READABLE'), ('OverconstrainedError', 'MEDIA_OPTION_INVALID'))}
    misuse = page.evaluate('''async () => {
        const client = AgoraRTC.createClient({mode: "rtc", codec: "vp8"});
        const code = (promise) => promise.then(() => "ok", e => e.code);
        return [await code(client.publish([])), await code(client.subscribe(1, "video")),
                await code(client.join("app", "bad/channel", null, "x")), await code(client.join("app", "c", "", "x")),
                await code(client.renewToken("t")), await code(client.leave())];
    }''')
    assert misuse == ['INVALID_OPERATION', 'INVALID_OPERATION', 'INVALID_PARAMS', 'INVALID_PARAMS',
                      'INVALID_OPERATION', 'ok']


def test_local_tracks_play_mute_disable_switch_and_close(open_page, cloud):
    page = open_page()
    page.evaluate('loadRtc()')
    state = page.evaluate('''async () => {
        const [mic, cam] = await AgoraRTC.createMicrophoneAndCameraTracks({}, {encoderConfig: "480p_1"});
        window.mic = mic; window.cam = cam;
        const updates = [];
        cam.on("track-updated", (track) => updates.push(track.kind));
        cam.play("local");
        mic.play();
        const video = () => document.querySelector("#local video");
        const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
        await wait(500);
        const state = {playing: [cam.isPlaying, mic.isPlaying], width: video().videoWidth, id: video().id,
                       kinds: [mic.trackMediaType, cam.trackMediaType]};
        await cam.setMuted(true);
        state.muted = [cam.muted, cam.getMediaStreamTrack().enabled];
        await cam.setMuted(false);
        await cam.setEnabled(false);
        state.disabled = [cam.enabled, cam.getMediaStreamTrack().readyState, !!video() && !video().srcObject];
        await cam.setEnabled(true);
        await wait(300);
        state.enabled = [cam.enabled, cam.getMediaStreamTrack().readyState, video().videoWidth > 0];
        const cameras = await AgoraRTC.getCameras();
        await cam.setDevice(cameras[0].deviceId);
        state.updates = updates;
        cam.stop();
        state.stopped = [cam.isPlaying, video() === null];
        cam.close();
        mic.close();
        state.closed = [cam.getMediaStreamTrack().readyState, mic.getMediaStreamTrack().readyState];
        return state;
    }''')
    assert state['playing'] == [True, True] and state['width'] > 0 and state['kinds'] == ['audio', 'video']
    assert state['id'].startswith('video_track-cam-')
    assert state['muted'] == [True, False]
    assert state['disabled'] == [False, 'ended', True]
    assert state['enabled'] == [True, 'live', True]
    assert state['updates'] == ['video', 'video']
    assert state['stopped'] == [False, True]
    assert state['closed'] == ['ended', 'ended']
    cloud.wait_for_call('close', sdk='rtc')
    methods = [c['method'] for c in cloud.calls() if c['object'] == 'CameraVideoTrack']
    assert methods == ['play', 'setMuted', 'setMuted', 'setEnabled', 'setEnabled', 'setDevice', 'stop', 'close']
    assert cloud.wait_for_call('createMicrophoneAndCameraTracks')['args'] == [{}, {'encoderConfig': '480p_1'}]


def test_both_stand_ins_get_the_one_cloud_link(tmp_path: Path):
    with FakeAgoraCloud() as cloud:
        folder = cloud.sdk_folder(tmp_path)
    link = CLOUD_LINK.read_text(encoding='utf-8')
    for relative in (RTM_SDK_PATH, RTC_SDK_PATH):
        assert '/* %%FAKE_CLOUD_LINK%% */' in (STANDINS / relative).read_text(encoding='utf-8')
        written = (folder / relative).read_text(encoding='utf-8')
        assert link.strip() in written and '%%' not in written, relative
