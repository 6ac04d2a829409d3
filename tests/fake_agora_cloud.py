"""A fake "Agora cloud" for browser tests: the stand-in Agora SDKs in tests/agora_standins talk to it.

`FakeAgoraCloud` runs a WebSocket server on 127.0.0.1 in a background thread. Every page that loads a stand-in SDK
opens one WebSocket to it. The cloud routes RTM logins, presence and call invitations and RTC channel membership,
published media and WebRTC signaling between those pages (the media itself flows browser to browser), records every
SDK method a page calls, and lets a test drive events on a user's page. All public methods are synchronous and
thread-safe, for sync Playwright tests:

    with FakeAgoraCloud(peer_offline_delay=0.5) as cloud:
        sdk = cloud.sdk_folder(tmp_path)          # start the app with AGORA_SDK_URL=<sdk>
        ...
        cloud.wait_for_call('join', uid='bob')
        cloud.rtm_event('alice', 'ConnectionStateChanged', 'ABORTED', 'REMOTE_LOGIN')
"""
from __future__ import annotations

import copy
import itertools
import json
import random
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

STANDINS = Path(__file__).resolve().parent / 'agora_standins'
CLOUD_LINK = STANDINS / 'fake_cloud_link.js'  # written into both stand-ins: one WebSocket per page
RTM_SDK_PATH = 'agora-rtm-sdk@1.5.1/index.js'
SIGNALING_SDK_PATH = 'agora-rtm-sdk@2.3.0/agora-rtm.js'
RTC_SDK_PATH = 'agora-rtc-sdk-ng@4.24.2/AgoraRTC_N-production.esm.mjs'
PEER_ONLINE_STATES = ('ONLINE', 'UNREACHABLE', 'OFFLINE')
_NO_ANSWER = object()


class _Refused(Exception):
    def __init__(self, error: dict) -> None:
        super().__init__(error.get('message', ''))
        self.error = error


class _Page:
    """One browser page (one WebSocket)."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self.id: str | None = None
        self.label: Any = None  # the page's user: its RTM login uid, else its RTC join uid
        self.labelled_by_rtm = False
        self.unlabelled: list[dict] = []
        self.alive = True
        self._send_lock = threading.Lock()

    def send(self, message: dict) -> None:
        if not self.alive:
            return
        try:
            with self._send_lock:
                self.connection.send(json.dumps(message))
        except (ConnectionClosed, OSError, RuntimeError):
            self.alive = False


@dataclass(eq=False)
class _RtmClient:
    cid: str
    page: _Page
    uid: str | None = None
    online: bool = False
    order: int = 0
    token: str | None = None
    subscriptions: set[str] = field(default_factory=set)


@dataclass(eq=False)
class _Rtm2Client:
    """A Signaling 2.x session: a page's RTM client, or a test's virtual one (`deliver` set, no page)."""
    cid: str
    page: _Page | None
    uid: str | None = None
    online: bool = False
    order: int = 0
    token: str | None = None
    presence_timeout: float = 300.0
    channels: set[str] = field(default_factory=set)  # subscribed message channels with presence
    quiet: set[str] = field(default_factory=set)  # of those, subscribed with beQuiet: not shown to the others
    deliver: Any = None  # a virtual client's function(op, fields)

    def push(self, op: str, **fields: Any) -> None:
        if self.deliver is not None:
            self.deliver(op, fields)
        elif self.page is not None:
            self.page.send(_push(self.cid, op, **fields))


@dataclass(eq=False)
class _Invitation:
    call_id: str
    caller: _RtmClient
    callee_uid: str
    content: str
    channel_id: str
    callee: _RtmClient | None = None
    ended: bool = False
    deadline: float = 0.0


@dataclass(eq=False)
class _RtcClient:
    cid: str
    page: _Page
    uid: Any = None
    channel: str | None = None
    state: str = 'idle'  # idle | pending | joined
    request: Any = None  # the id of the join request being answered after `join_delay`
    token: str | None = None
    order: int = 0
    media: dict[str, bool] = field(default_factory=lambda: {'audio': False, 'video': False})


def _same_uid(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _push(target: str, op: str, **fields: Any) -> dict:
    return {'t': 'push', 'target': target, 'op': op, **fields}


class FakeAgoraCloud:
    """Routes the stand-in SDKs' traffic between pages, records their calls and injects events.

    Options (attributes, may be changed while running):
    - `peer_offline_delay`: seconds a sent invitation waits for an offline callee before LocalInvitationFailure
      ('PEER_OFFLINE'), or 'PEER_NO_RESPONSE' if the callee counts as online but has no session (real SDK: 30 s).
    - `never_answer_join`: RTC join() requests are never answered (like Agora unreachable); leave() aborts them.
    - `join_delay`: seconds before an RTC join() request is answered (a slow network): the page is in the channel
      only then.
    - `login_fails_with`: None, or (code, message) or {'code', 'message', 'name'}: RTM login() rejects with it.
    - `unreachable`: behave like Agora unreachable: RTM login times out, RTC join never settles, renewals hang.
    - `login_timeout`: seconds after which an unanswered RTM login() rejects with code 9 (real SDK: 12 s).
    - `accept_timeout`: seconds a callee's accept() waits for the caller's acknowledgement (real SDK: 5 s).
    - `invitation_expire`: seconds after delivery before both sides fail with INVITATION_EXPIRE (real SDK: 60 s).
    - `rtc_drop_delay`: seconds after a page vanishes without leave() before others get user-left 'ServerTimeOut'.
    """

    def __init__(self, *, peer_offline_delay: float = 1.0, never_answer_join: bool = False,
                 login_fails_with: tuple[int, str] | dict | None = None, unreachable: bool = False,
                 login_timeout: float = 12.0, accept_timeout: float = 5.0, invitation_expire: float = 60.0,
                 rtc_drop_delay: float = 1.0, join_delay: float = 0.0) -> None:
        self.peer_offline_delay = peer_offline_delay
        self.never_answer_join = never_answer_join
        self.join_delay = join_delay
        self.login_fails_with = login_fails_with
        self.unreachable = unreachable
        self.invitation_expire = invitation_expire
        self.rtc_drop_delay = rtc_drop_delay
        self._login_timeout = login_timeout
        self._accept_timeout = accept_timeout
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._log: list[dict] = []
        self._pages: list[_Page] = []
        self._rtm: dict[str, _RtmClient] = {}
        self._rtc: dict[str, _RtcClient] = {}
        self._rtm2: dict[str, _Rtm2Client] = {}
        self.user_messages: list[dict] = []  # Signaling 2.x user-channel messages: {'from', 'to', 'text', 'delivered'}
        self._invitations: dict[str, _Invitation] = {}
        self._overrides: dict[str, str] = {}
        self._presence: dict[str, str] = {}
        self._order = itertools.count(1)
        self._timers: set[threading.Timer] = set()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None
        self.errors: list[str] = []  # tracebacks of page messages the cloud failed to handle (should stay empty)

    # ---- lifecycle ----

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError('FakeAgoraCloud is not started')
        return f'ws://127.0.0.1:{self.port}/'

    def start(self) -> FakeAgoraCloud:
        if self._server is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(('127.0.0.1', 0))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self._server = serve(self._serve_page, sock=sock, compression=None, max_size=None)
        self._thread = threading.Thread(target=self._server.serve_forever, name='fake-agora-cloud', daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
            pages = list(self._pages)
        server.shutdown()
        for page in pages:
            try:
                page.connection.close()
            except (OSError, RuntimeError):
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeAgoraCloud:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def sdk_folder(self, tmp_path: Path) -> Path:
        """Write both stand-in SDKs, pointed at this cloud, under `tmp_path`/agora-sdk with the CDN's layout."""
        folder = Path(tmp_path) / 'agora-sdk'
        for relative in (RTM_SDK_PATH, SIGNALING_SDK_PATH, RTC_SDK_PATH):
            text = (STANDINS / relative).read_text(encoding='utf-8')
            text = text.replace('/* %%FAKE_CLOUD_LINK%% */', CLOUD_LINK.read_text(encoding='utf-8'))
            text = text.replace('%%FAKE_AGORA_CLOUD_URL%%', self.url)
            text = text.replace('%%FAKE_AGORA_LOGIN_TIMEOUT_MS%%', str(int(self._login_timeout * 1000)))
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding='utf-8')
        return folder

    # ---- options the pages need to know ----

    @property
    def login_timeout(self) -> float:
        return self._login_timeout

    @login_timeout.setter
    def login_timeout(self, seconds: float) -> None:
        self._login_timeout = seconds
        self._broadcast_config()

    @property
    def accept_timeout(self) -> float:
        return self._accept_timeout

    @accept_timeout.setter
    def accept_timeout(self, seconds: float) -> None:
        self._accept_timeout = seconds
        self._broadcast_config()

    def _config(self) -> dict:
        return {'t': 'config', 'config': {'login_timeout': self._login_timeout, 'accept_timeout': self._accept_timeout}}

    def _broadcast_config(self) -> None:
        with self._lock:
            for page in self._pages:
                page.send(self._config())

    # ---- visibility ----

    def calls(self, uid: Any = None) -> list[dict]:
        """Every SDK method the pages called, in order: {'uid', 'sdk', 'object', 'method', 'args'} (+ 'invitation')."""
        with self._lock:
            return [copy.deepcopy(r) for r in self._log if uid is None or _label_matches(r['uid'], uid)]

    def mark(self) -> int:
        """The current length of the call log, for `wait_for_call(..., since=cloud.mark())`."""
        with self._lock:
            return len(self._log)

    def wait_for_call(self, method: str, uid: Any = None, timeout: float = 10, *, sdk: str | None = None,
                      since: int = 0) -> dict:
        """The first recorded call of `method` (by `uid`, from log position `since`), waiting up to `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for record in self._log[since:]:
                    if record['method'] == method and (uid is None or _label_matches(record['uid'], uid)) \
                            and (sdk is None or record['sdk'] == sdk):
                        return copy.deepcopy(record)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(r['uid'], r['sdk'], r['method']) for r in self._log[since:]]
                    raise AssertionError(f'no {method!r} call by {uid!r} within {timeout} s; calls: {seen}')
                self._changed.wait(remaining)

    def presence(self, uid: str) -> str:
        """The RTM online state the cloud reports for `uid`: 'ONLINE', 'UNREACHABLE' or 'OFFLINE'."""
        with self._lock:
            return self._state_of(uid)

    def channel_members(self, channel: str) -> dict[Any, dict[str, bool]]:
        """The RTC users in `channel` and what each publishes: {uid: {'audio': bool, 'video': bool}}."""
        with self._lock:
            return {c.uid: dict(c.media) for c in self._rtc.values() if c.state == 'joined' and c.channel == channel}

    # ---- driving events ----

    def rtm_event(self, uid: str, name: str, *args: Any) -> None:
        """Fire an RtmClient event on `uid`'s page, e.g. ('ConnectionStateChanged', 'ABORTED', 'REMOTE_LOGIN')."""
        with self._lock:
            client = self._find_rtm(uid)
            client.page.send(_push(client.cid, 'rtm.inject', name=name, args=list(args)))

    def invitation_event(self, uid: str, name: str, *args: Any) -> None:
        """Fire an event on `uid`'s latest LocalInvitation (Local* names) or RemoteInvitation (Remote* names)."""
        if not name.startswith(('LocalInvitation', 'RemoteInvitation')):
            raise ValueError(f'{name!r} is not an invitation event')
        with self._lock:
            client = self._find_rtm(uid)
            client.page.send(_push(client.cid, 'rtm.injectInvitation', name=name, args=list(args)))

    def rtc_event(self, uid: Any, name: str, *args: Any) -> None:
        """Fire an AgoraRTCClient event on `uid`'s page, e.g. ('connection-state-change', 'RECONNECTING', ...)."""
        with self._lock:
            candidates = [c for c in self._rtc.values() if c.page.alive and c.uid is not None
                          and _label_matches(c.uid, uid)]
            if not candidates:
                raise LookupError(f'no RTC client with uid {uid!r}')
            client = max(candidates, key=lambda c: (c.state == 'joined', c.order))
            client.page.send(_push(client.cid, 'rtc.inject', name=name, args=list(args)))

    def set_online(self, uid: str, state: str | None) -> None:
        """Fake `uid`'s RTM online state ('ONLINE', 'UNREACHABLE', 'OFFLINE'); None goes back to the real one."""
        if state is not None and state not in PEER_ONLINE_STATES:
            raise ValueError(f'state must be one of {PEER_ONLINE_STATES} or None')
        with self._lock:
            if state is None:
                self._overrides.pop(uid, None)
            else:
                self._overrides[uid] = state
            self._presence_changed(uid)

    # ---- the server ----

    def _serve_page(self, connection: ServerConnection) -> None:
        page = _Page(connection)
        with self._lock:
            self._pages.append(page)
        try:
            for raw in connection:
                with self._changed:
                    try:
                        self._dispatch(page, json.loads(raw))
                    except Exception:
                        self.errors.append(traceback.format_exc())
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                page.alive = False
                self._page_gone(page)
                self._pages.remove(page)

    def _dispatch(self, page: _Page, message: dict) -> None:
        kind = message.get('t')
        if kind == 'hello':
            page.id = message.get('page')
            page.send(self._config())
        elif kind == 'call':
            self._record(page, message)
        elif kind in ('req', 'msg'):
            handler = getattr(self, '_op_' + str(message.get('op')).replace('.', '_'), None)
            if handler is None:
                raise ValueError(f'unknown operation {message.get("op")!r}')
            try:
                result = handler(page, message)
            except _Refused as refused:
                if kind == 'req':
                    page.send({'t': 'res', 'id': message['id'], 'ok': False, 'error': refused.error})
                return
            if kind == 'req' and result is not _NO_ANSWER:
                page.send({'t': 'res', 'id': message['id'], 'ok': True, 'result': result})

    def _record(self, page: _Page, message: dict) -> None:
        hint = message.get('uid')
        if message['sdk'] == 'rtm' and message['method'] == 'login' and isinstance(hint, str):
            self._label(page, hint, by_rtm=True)
        elif message['sdk'] == 'rtc' and message['method'] == 'join' and hint is not None and not page.labelled_by_rtm:
            self._label(page, hint, by_rtm=False)
        record = {'uid': page.label, 'sdk': message['sdk'], 'object': message['object'],
                  'method': message['method'], 'args': message.get('args') or []}
        if 'invitation' in message:
            record['invitation'] = message['invitation']
        if page.label is None:
            page.unlabelled.append(record)
        self._log.append(record)
        self._changed.notify_all()

    def _label(self, page: _Page, uid: Any, *, by_rtm: bool) -> None:
        page.label = uid
        page.labelled_by_rtm = page.labelled_by_rtm or by_rtm
        for record in page.unlabelled:
            record['uid'] = uid
        page.unlabelled.clear()

    def _page_gone(self, page: _Page) -> None:
        for client in list(self._rtm2.values()):
            if client.page is page and client.online:  # vanished without logout: gone after presenceTimeout
                client.online = False
                self._later(client.presence_timeout, self._rtm2_left, client, 'REMOTE_TIMEOUT')
        for client in list(self._rtm.values()):
            if client.page is page:
                self._rtm_offline(client)
                del self._rtm[client.cid]
        for client in list(self._rtc.values()):
            if client.page is page:
                if client.state == 'joined':
                    self._later(self.rtc_drop_delay, self._rtc_remove, client, 'ServerTimeOut')
                else:
                    del self._rtc[client.cid]

    def _later(self, delay: float, function: Any, *args: Any) -> None:
        def run() -> None:
            with self._changed:
                self._timers.discard(timer)
                if self._server is not None:
                    function(*args)
        timer = threading.Timer(max(0.0, delay), run)
        timer.daemon = True
        self._timers.add(timer)
        timer.start()

    # ---- RTM ----

    def _rtm_client(self, page: _Page, cid: str) -> _RtmClient:
        if cid not in self._rtm:
            self._rtm[cid] = _RtmClient(cid=cid, page=page)
        return self._rtm[cid]

    def _find_rtm(self, uid: str) -> _RtmClient:
        candidates = [c for c in self._rtm.values() if c.uid == uid and c.page.alive]
        if not candidates:
            raise LookupError(f'no RTM client with uid {uid!r}')
        return max(candidates, key=lambda c: (c.online, c.order))

    def _state_of(self, uid: str) -> str:
        if uid in self._overrides:
            return self._overrides[uid]
        return 'ONLINE' if any(c.online and c.uid == uid for c in self._rtm.values()) else 'OFFLINE'

    def _presence_changed(self, uid: str) -> None:
        state = self._state_of(uid)
        if self._presence.get(uid, 'OFFLINE') == state:
            return
        self._presence[uid] = state
        for client in self._rtm.values():
            if client.online and uid in client.subscriptions:
                client.page.send(_push(client.cid, 'rtm.presence', map={uid: state}))

    def _rtm_offline(self, client: _RtmClient) -> None:
        client.subscriptions.clear()
        if client.online:
            client.online = False
            self._presence_changed(client.uid)

    def _op_rtm_login(self, page: _Page, message: dict) -> Any:
        client = self._rtm_client(page, message['cid'])
        client.uid = message['uid']
        client.order = next(self._order)
        if self.unreachable:
            return _NO_ANSWER
        failure = self.login_fails_with
        if failure is not None:
            if isinstance(failure, dict):
                error = dict(failure)
            else:
                code, text = failure
                error = {'code': code, 'message': text,
                         'name': 'RtmUnauthenticatedError' if code in (5, 6) else 'RtmUnavailableError'}
            raise _Refused(error)
        for other in self._rtm.values():
            if other is not client and other.online and other.uid == client.uid:
                other.online = False
                other.subscriptions.clear()
                other.page.send(_push(other.cid, 'rtm.kicked', reason='REMOTE_LOGIN'))
        client.online = True
        client.token = message.get('token')
        self._presence_changed(client.uid)
        return None

    def _op_rtm_loginAbandoned(self, page: _Page, message: dict) -> None:
        client = self._rtm.get(message['cid'])
        if client is not None:
            self._rtm_offline(client)

    def _op_rtm_logout(self, page: _Page, message: dict) -> None:
        client = self._rtm.get(message['cid'])
        if client is not None:
            self._rtm_offline(client)

    _op_rtm_dropped = _op_rtm_logout

    def _op_rtm_renewToken(self, page: _Page, message: dict) -> Any:
        if self.unreachable:
            return _NO_ANSWER
        self._rtm_client(page, message['cid']).token = message['token']
        return None

    def _op_rtm_query(self, page: _Page, message: dict) -> dict:
        return {uid: self._state_of(uid) != 'OFFLINE' for uid in message['peerIds']}

    def _op_rtm_subscribe(self, page: _Page, message: dict) -> dict:
        client = self._rtm_client(page, message['cid'])
        client.subscriptions.update(message['peerIds'])
        # Like the real SDK, the first report only says online or offline.
        return {uid: 'OFFLINE' if self._state_of(uid) == 'OFFLINE' else 'ONLINE' for uid in message['peerIds']}

    def _op_rtm_unsubscribe(self, page: _Page, message: dict) -> None:
        self._rtm_client(page, message['cid']).subscriptions.difference_update(message['peerIds'])

    def _op_rtm_message(self, page: _Page, message: dict) -> dict:
        sender = self._rtm_client(page, message['cid'])
        targets = [c for c in self._rtm.values() if c.online and c.uid == message['peerId']]
        for target in targets:
            target.page.send(_push(target.cid, 'rtm.message', message=message['message'], peerId=sender.uid,
                                   ts=int(time.time() * 1000)))
        return {'hasPeerReceived': bool(targets)}

    def _op_rtm_invite(self, page: _Page, message: dict) -> None:
        caller = self._rtm_client(page, message['cid'])
        invitation = _Invitation(call_id=message['callId'], caller=caller, callee_uid=message['calleeId'],
                                 content=message['content'], channel_id=message['channelId'],
                                 deadline=time.monotonic() + self.peer_offline_delay)
        self._invitations[invitation.call_id] = invitation
        self._try_deliver(invitation)

    def _try_deliver(self, invitation: _Invitation) -> None:
        if invitation.ended or invitation.callee is not None:
            return
        state = self._state_of(invitation.callee_uid)
        sessions = [c for c in self._rtm.values() if c.online and c.uid == invitation.callee_uid]
        if state != 'OFFLINE' and sessions and not self.unreachable:
            callee = max(sessions, key=lambda c: c.order)
            invitation.callee = callee
            callee.page.send(_push(callee.cid, 'rtm.invitation', callId=invitation.call_id,
                                   callerId=invitation.caller.uid, content=invitation.content,
                                   channelId=invitation.channel_id))
            self._to_caller(invitation, 'received')
            self._later(self.invitation_expire, self._expire, invitation)
            return
        if time.monotonic() < invitation.deadline:
            # The real SDK resends every 2 s while the callee is offline; check again soon.
            self._later(min(0.2, invitation.deadline - time.monotonic()), self._try_deliver, invitation)
            return
        invitation.ended = True
        self._to_caller(invitation, 'failure', reason='PEER_OFFLINE' if state == 'OFFLINE' else 'PEER_NO_RESPONSE')

    def _to_caller(self, invitation: _Invitation, event: str, **fields: Any) -> None:
        caller = invitation.caller
        caller.page.send(_push(caller.cid, 'rtm.local', callId=invitation.call_id, event=event, **fields))

    def _to_callee(self, invitation: _Invitation, event: str, **fields: Any) -> None:
        if invitation.callee is not None:
            callee = invitation.callee
            callee.page.send(_push(callee.cid, 'rtm.remote', callId=invitation.call_id, event=event, **fields))

    def _expire(self, invitation: _Invitation) -> None:
        if invitation.ended:
            return
        invitation.ended = True
        self._to_caller(invitation, 'failure', reason='INVITATION_EXPIRE')
        self._to_callee(invitation, 'failure', reason='INVITATION_EXPIRE')

    def _op_rtm_cancel(self, page: _Page, message: dict) -> None:
        invitation = self._invitations.get(message['callId'])
        if invitation is None or invitation.ended:
            return
        invitation.ended = True
        self._to_callee(invitation, 'canceled', content=message['content'])

    def _op_rtm_accept(self, page: _Page, message: dict) -> None:
        invitation = self._invitations.get(message['callId'])
        if invitation is None or invitation.ended:
            self._rtm_client(page, message['cid']).page.send(
                _push(message['cid'], 'rtm.remote', callId=message['callId'], event='acceptDelivery', delivered=False))
            return
        delivered = invitation.caller.online and invitation.caller.page.alive
        self._to_callee(invitation, 'acceptDelivery', delivered=delivered)
        if delivered:
            self._to_caller(invitation, 'accepted', response=message['response'])

    def _op_rtm_acceptAck(self, page: _Page, message: dict) -> None:
        invitation = self._invitations.get(message['callId'])
        if invitation is None:
            return
        invitation.ended = True
        self._to_callee(invitation, 'acceptAck')

    def _op_rtm_refuse(self, page: _Page, message: dict) -> None:
        invitation = self._invitations.get(message['callId'])
        if invitation is None or invitation.ended:
            return
        invitation.ended = True
        self._to_caller(invitation, 'refused', response=message['response'])

    def _op_rtm_invitationEnded(self, page: _Page, message: dict) -> None:
        invitation = self._invitations.get(message['callId'])
        if invitation is not None:
            invitation.ended = True

    # ---- RTC ----

    def _rtc_client(self, page: _Page, cid: str) -> _RtcClient:
        if cid not in self._rtc:
            self._rtc[cid] = _RtcClient(cid=cid, page=page)
        return self._rtc[cid]

    def _members(self, channel: str | None, but: _RtcClient | None = None) -> list[_RtcClient]:
        return [c for c in self._rtc.values() if c.state == 'joined' and c.channel == channel and c is not but]

    def _op_rtc_join(self, page: _Page, message: dict) -> Any:
        client = self._rtc_client(page, message['cid'])
        client.order = next(self._order)
        client.uid = message['uid']
        client.channel = message['channel']
        client.token = message['token']
        if self.unreachable or self.never_answer_join:
            client.state = 'pending'
            return _NO_ANSWER
        if self.join_delay:
            client.state, client.request = 'pending', message['id']
            self._later(self.join_delay, self._answer_join, client, message['id'])
            return _NO_ANSWER
        return self._join(client)

    def _answer_join(self, client: _RtcClient, request_id: Any) -> None:
        # (not abandoned meanwhile, nor asked again)
        if client.state == 'pending' and client.request == request_id and self._rtc.get(client.cid) is client:
            client.page.send({'t': 'res', 'id': request_id, 'ok': True, 'result': self._join(client)})

    def _join(self, client: _RtcClient) -> dict:
        if client.uid is None:
            taken = {m.uid for m in self._members(client.channel)}
            client.uid = next(u for u in iter(lambda: random.randint(1, 2**32 - 1), None) if u not in taken)
        for other in self._members(client.channel, but=client):
            if _same_uid(other.uid, client.uid):
                self._rtc_remove(other, 'Quit')
                other.page.send(_push(other.cid, 'rtc.kicked', reason='UID_CONFLICT'))
        members = self._members(client.channel, but=client)
        client.state = 'joined'
        client.media = {'audio': False, 'video': False}
        for member in members:
            member.page.send(_push(member.cid, 'rtc.userJoined', uid=client.uid))
        return {'uid': client.uid, 'members': [{'uid': m.uid, **m.media} for m in members]}

    def _op_rtc_joinAbandoned(self, page: _Page, message: dict) -> None:
        client = self._rtc.get(message['cid'])
        if client is not None and client.state == 'pending':
            client.state = 'idle'

    def _rtc_remove(self, client: _RtcClient, reason: str) -> None:
        if client.state != 'joined':
            return
        client.state = 'idle'
        client.media = {'audio': False, 'video': False}
        for member in self._members(client.channel, but=client):
            member.page.send(_push(member.cid, 'rtc.userLeft', uid=client.uid, reason=reason))
        if not client.page.alive:
            self._rtc.pop(client.cid, None)

    def _op_rtc_leave(self, page: _Page, message: dict) -> None:
        client = self._rtc.get(message['cid'])
        if client is not None:
            self._rtc_remove(client, 'Quit')

    def _op_rtc_dropped(self, page: _Page, message: dict) -> None:
        client = self._rtc.get(message['cid'])
        if client is not None:
            self._rtc_remove(client, 'ServerTimeOut')

    def _op_rtc_media(self, page: _Page, message: dict) -> None:
        client = self._rtc.get(message['cid'])
        if client is None or client.state != 'joined':
            return None
        members = self._members(client.channel, but=client)
        if message.get('info'):
            for member in members:
                member.page.send(_push(member.cid, 'rtc.info', uid=client.uid, msg=message['info']))
        for kind in ('audio', 'video'):
            on = bool(message.get(kind))
            if client.media[kind] != on:
                client.media[kind] = on
                for member in members:
                    member.page.send(_push(member.cid, 'rtc.media', uid=client.uid, kind=kind, on=on))
        return None

    def _op_rtc_signal(self, page: _Page, message: dict) -> None:
        client = self._rtc.get(message['cid'])
        if client is None or client.state != 'joined':
            return
        for member in self._members(client.channel, but=client):
            if _same_uid(member.uid, message['to']):
                member.page.send(_push(member.cid, 'rtc.signal', **{'from': client.uid, 'data': message['data']}))

    def _op_rtc_renewToken(self, page: _Page, message: dict) -> Any:
        if self.unreachable:
            return _NO_ANSWER
        self._rtc_client(page, message['cid']).token = message['token']
        return None


    # ---- Signaling 2.x (RTM 2.x): user-channel messages and message-channel presence ----

    def virtual_rtm2(self, uid: str, deliver: Any, presence_timeout: int = 300) -> _Rtm2Client:
        """Log in a session for `uid` that is not a page (a test's CallAPI peer): `deliver(op, fields)` gets what
        a page would (ops 'rtm2.message', 'rtm2.presence', 'rtm2.kicked'). `presence_timeout` as RTMConfig's,
        clamped to 5..300 s as agora-rtm-sdk 2.3.0 clamps it."""
        with self._changed:
            client = _Rtm2Client(cid=f'virtual-{uid}-{next(self._order)}', page=None, deliver=deliver,
                                 presence_timeout=float(min(max(presence_timeout, 5), 300)))
            self._rtm2[client.cid] = client
            self._rtm2_log_in(client, uid)
            return client

    def rtm2_token_will_expire(self, uid: str) -> None:
        """Fire tokenPrivilegeWillExpire on the page holding `uid`'s Signaling 2.x session."""
        with self._lock:
            [client] = [c for c in self._rtm2.values() if c.online and c.uid == uid and c.page is not None]
            client.push('rtm2.tokenWillExpire')

    def publish_as(self, client: _Rtm2Client, target: str, text: str) -> bool:
        """A virtual session publishes `text` to `target`'s user channel; False when nobody is there to get it."""
        with self._changed:
            return self._rtm2_deliver(client, target, list(text.encode()), '')

    def subscribe_virtual(self, client: _Rtm2Client, channel: str) -> None:
        """A virtual session subscribes to a message channel with presence (not quietly)."""
        with self._changed:
            client.channels.add(channel)
            self._rtm2_presence(client, channel, 'REMOTE_JOIN')

    def log_out_virtual(self, client: _Rtm2Client) -> None:
        with self._changed:
            self._rtm2_left(client, 'REMOTE_LEAVE')

    def vanish_virtual(self, client: _Rtm2Client) -> None:
        """A virtual session stops without logout (the app was killed): gone after its presence timeout."""
        with self._changed:
            if client.online:
                client.online = False
                self._later(client.presence_timeout, self._rtm2_left, client, 'REMOTE_TIMEOUT')

    def wait_for_user_message(self, sender: str, receiver: str, since: int = 0, timeout: float = 10) -> dict:
        """The first user-channel message from `sender` to `receiver` at or after position `since`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for record in self.user_messages[since:]:
                    if record['from'] == sender and record['to'] == receiver:
                        return dict(record)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f'no message from {sender} to {receiver}; messages: {self.user_messages}')
                self._changed.wait(remaining)

    def _rtm2_client(self, page: _Page, cid: str) -> _Rtm2Client:
        if cid not in self._rtm2:
            self._rtm2[cid] = _Rtm2Client(cid=cid, page=page)
        return self._rtm2[cid]

    def _rtm2_log_in(self, client: _Rtm2Client, uid: str) -> None:
        client.uid = uid
        client.order = next(self._order)
        for other in self._rtm2.values():
            if other is not client and other.online and other.uid == uid:  # "kicked out of your previous login"
                self._rtm2_left(other, 'REMOTE_LEAVE')
                other.push('rtm2.kicked')
        client.online = True
        self._changed.notify_all()

    def _op_rtm2_login(self, page: _Page, message: dict) -> Any:
        client = self._rtm2_client(page, message['cid'])
        client.presence_timeout = float(message.get('presenceTimeout') or 300)
        if self.unreachable:
            return _NO_ANSWER
        if self.login_fails_with is not None:
            code, text = self.login_fails_with if isinstance(self.login_fails_with, tuple) else (-10005, 'refused')
            raise _Refused({'code': code, 'message': text})
        client.token = message.get('token')
        self._rtm2_log_in(client, message['uid'])
        return None

    def _op_rtm2_logout(self, page: _Page, message: dict) -> None:
        client = self._rtm2.get(message['cid'])
        if client is not None and client.online:
            self._rtm2_left(client, 'REMOTE_LEAVE')

    def _op_rtm2_renewToken(self, page: _Page, message: dict) -> Any:
        if self.unreachable:
            return _NO_ANSWER
        self._rtm2_client(page, message['cid']).token = message['token']
        return None

    def _op_rtm2_subscribe(self, page: _Page, message: dict) -> list[str]:
        client = self._rtm2_client(page, message['cid'])
        channel = message['channelName']
        members = sorted({c.uid for c in self._rtm2.values()
                          if c.online and channel in c.channels - c.quiet and c is not client})
        if message.get('withPresence'):
            client.channels.add(channel)
            if message.get('beQuiet'):
                client.quiet.add(channel)
            else:
                self._rtm2_presence(client, channel, 'REMOTE_JOIN')
        return members

    def _op_rtm2_unsubscribe(self, page: _Page, message: dict) -> None:
        client = self._rtm2_client(page, message['cid'])
        channel = message['channelName']
        if channel in client.channels:
            client.channels.discard(channel)
            if channel not in client.quiet:
                self._rtm2_presence(client, channel, 'REMOTE_LEAVE')
            client.quiet.discard(channel)

    def _op_rtm2_publish(self, page: _Page, message: dict) -> None:
        sender = self._rtm2_client(page, message['cid'])
        if message['channelType'] != 'USER':
            raise _Refused({'code': -11001, 'message': 'only user channels in this stand-in'})
        if not self._rtm2_deliver(sender, message['channelName'], message['bytes'], message.get('customType', '')):
            raise _Refused({'code': -11036, 'message': 'the target user is not online'})
        return None

    def _rtm2_deliver(self, sender: _Rtm2Client, target: str, data: list[int], custom_type: str) -> bool:
        receivers = [c for c in self._rtm2.values() if c.online and c.uid == target]
        text = bytes(data).decode('utf-8', errors='replace')
        self.user_messages.append({'from': sender.uid, 'to': target, 'text': text, 'delivered': bool(receivers)})
        for receiver in receivers:
            receiver.push('rtm2.message', channelType='USER', channelName=sender.uid, publisher=sender.uid,
                          bytes=data, customType=custom_type, ts=int(time.time() * 1000))
        self._changed.notify_all()
        return bool(receivers)

    def _rtm2_left(self, client: _Rtm2Client, how: str) -> None:
        client.online = False
        for channel in list(client.channels - client.quiet):
            if not any(c.online and c.uid == client.uid and channel in c.channels - c.quiet
                       for c in self._rtm2.values()):
                self._rtm2_presence(client, channel, how)
        client.channels.clear()
        client.quiet.clear()

    def _rtm2_presence(self, client: _Rtm2Client, channel: str, event_type: str) -> None:
        for other in self._rtm2.values():
            if other is not client and other.online and channel in other.channels and other.uid != client.uid:
                other.push('rtm2.presence', event={'eventType': event_type, 'channelName': channel,
                                                   'publisher': client.uid})


def _label_matches(label: Any, uid: Any) -> bool:
    return label is not None and str(label) == str(uid)
