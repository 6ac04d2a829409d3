"""A stand-in CallAPI app for the tests: sends and answers call messages exactly as CallAPI's Web source does.

Transcribed from Web/src/callApi/core/callApi.ts (branch dev/web of AgoraIO-Community/CallAPI): each method
publishes the fields its `_publishMessage` call lists, in that order (JSON.stringify leaves out undefined ones),
and `encodeMessage` appends message_version "1.0" and message_timestamp. On receipt it behaves as
`_listenMessagerManagerEvents` does: a VideoCall while in a call with someone else is auto-rejected as busy with
the callId of its own call; a callee and a caller cancel by themselves after `call_timeout` (cancelCallByInternal 1);
`_isCallingUser` accepts any sender while idle. Media is not part of it (CallAPI joins RTC; this peer does not).
It logs in to the fake Agora cloud as a virtual Signaling 2.x session. The Web kit joins no channel; with
`present=True` it does what CallAPI 2.x's Android and iOS kits offer for presence (CallRtmManager.joinChannel(nil)):
subscribe with presence to the message channel named its own user id.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from .fake_agora_cloud import FakeAgoraCloud

PREPARED, CALLING, CONNECTING = 'prepared', 'calling', 'connecting'  # CallStateType, as far as signaling goes


def callapi_sends(**fields: object) -> str:
    """CallAPI's encodeMessage: {...message, message_version: "1.0", message_timestamp}, as JSON.stringify."""
    message = {name: value for name, value in fields.items() if value is not None}
    return json.dumps({**message, 'message_version': '1.0', 'message_timestamp': int(time.time() * 1000)},
                      separators=(',', ':'))


class CallApiPeer:
    def __init__(self, cloud: FakeAgoraCloud, user_id: int, *, call_timeout: float = 30.0, present: bool = False,
                 presence_timeout: int = 30) -> None:
        self.user_id = user_id
        self.call_timeout = call_timeout
        self.state = PREPARED
        self.call_id = ''
        self.remote_user_id = 0
        self.room = ''
        self.received: list[dict] = []  # every message that reached it, parsed
        self.events: list[str] = []  # the reasons it moved state, as CallStateReason names them
        self._cloud = cloud
        self._timer: threading.Timer | None = None
        self._held: list[dict] | None = None  # messages kept back (hold / release), to stage glare
        self._changed = threading.Condition()
        # presence_timeout: CallAPI's Web demo sets 30 (DEFAULT_RTM_CONFIG); the SDK's default is 300.
        self._session = cloud.virtual_rtm2(str(user_id), self._deliver, presence_timeout=presence_timeout)
        if present:
            cloud.subscribe_virtual(self._session, str(user_id))

    # ---- CallAPI's public methods ----
    def call(self, remote_user_id: int, room: str, *, audio: bool = False) -> bool:
        """call(): VideoCall, or AudioCall with `audio`; False when the publish failed (the callee is not online)."""
        self.state, self.remote_user_id, self.call_id, self.room = CALLING, remote_user_id, str(uuid.uuid4()), room
        self._auto_cancel()
        return self._publish(callapi_sends(callId=self.call_id, fromUserId=self.user_id, remoteUserId=remote_user_id,
                                           fromRoomId=room, message_action=10 if audio else 0))

    def cancel_call(self) -> None:
        call_id, remote = self.call_id, self.remote_user_id
        self._reset()
        self._publish(callapi_sends(callId=call_id, fromUserId=self.user_id, remoteUserId=remote, message_action=1,
                                    cancelCallByInternal=0))

    def accept(self) -> None:
        self.state = CONNECTING
        self._publish(callapi_sends(callId=self.call_id, fromUserId=self.user_id, remoteUserId=self.remote_user_id,
                                    message_action=2))

    def reject(self, reason: str | None = None) -> None:
        call_id, remote = self.call_id, self.remote_user_id
        self._reset()
        self._publish(callapi_sends(callId=call_id, fromUserId=self.user_id, remoteUserId=remote, message_action=3,
                                    rejectReason=reason, rejectByInternal=0))

    def hangup(self) -> None:
        call_id, remote = self.call_id, self.remote_user_id
        self._reset()
        self._publish(callapi_sends(callId=call_id, fromUserId=self.user_id, remoteUserId=remote, message_action=4))

    def publish_raw(self, remote_user_id: int, text: str) -> bool:
        """Not CallAPI: any text, as a hostile or broken app would send it."""
        return self._cloud.publish_as(self._session, str(remote_user_id), text)

    def log_out(self) -> None:
        self._cloud.log_out_virtual(self._session)

    def vanish(self) -> None:
        """The app is killed: no logout, Agora times its session out after its presenceTimeout."""
        self._cloud.vanish_virtual(self._session)

    def hold(self) -> None:
        """Keep back what arrives until `release`: messages still in flight while this app does something."""
        with self._changed:
            self._held = []

    def release(self) -> None:
        with self._changed:
            held, self._held = self._held or [], None
            for data in held:
                self.received.append(data)
                self._receive(data)
            self._changed.notify_all()

    def wait_for(self, predicate: Any, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f'CallAPI peer {self.user_id}: state {self.state}, events {self.events}, '
                                         f'received {self.received}')
                self._changed.wait(remaining)

    # ---- what CallAPI does with a message ----
    def _deliver(self, op: str, fields: dict) -> None:
        if op != 'rtm2.message' or fields.get('channelType') != 'USER':
            return
        data = json.loads(bytes(fields['bytes']).decode())
        with self._changed:
            if self._held is not None:
                self._held.append(data)
                return
            self.received.append(data)
            self._receive(data)
            self._changed.notify_all()

    def _is_calling_user(self, user_id: Any) -> bool:
        return not self.remote_user_id or self.remote_user_id == int(user_id)

    def _receive(self, data: dict) -> None:
        action, sender = data.get('message_action'), data.get('fromUserId')
        if action in (0, 10):
            if not self._is_calling_user(sender):
                self._publish(callapi_sends(callId=self.call_id, fromUserId=self.user_id, remoteUserId=int(sender),
                                            message_action=3, rejectReason='busy', rejectByInternal=1))
                return
            self.call_id, self.remote_user_id, self.room = data['callId'], int(sender), data['fromRoomId']
            self.state = CALLING
            self.events.append('remoteVideoCall')
            self._auto_cancel()
        elif not self._is_calling_user(sender):
            return
        elif action == 1:
            self._reset('remoteCancel')
        elif action == 2 and self.state == CALLING:
            self.state = CONNECTING
            self.events.append('remoteAccepted')
        elif action == 3:
            self._reset('remoteCallBusy' if data.get('rejectByInternal') == 1 else 'remoteRejected')
        elif action == 4:
            self._reset('remoteHangup')

    def _auto_cancel(self) -> None:
        """_autoCancelCall: still calling or connecting after call_timeout: cancel with cancelCallByInternal 1."""
        if self._timer is not None:
            self._timer.cancel()

        def fire() -> None:
            with self._changed:
                if self.state not in (CALLING, CONNECTING):
                    return
                call_id, remote = self.call_id, self.remote_user_id
                self._reset('callingTimeout')
                self._changed.notify_all()
            # Outside this peer's lock: the cloud delivers to it while holding its own.
            self._publish(callapi_sends(callId=call_id, fromUserId=self.user_id, remoteUserId=remote,
                                        message_action=1, cancelCallByInternal=1))

        self._timer = threading.Timer(self.call_timeout, fire)
        self._timer.daemon = True
        self._timer.start()

    def _reset(self, reason: str = '') -> None:
        if reason:
            self.events.append(reason)
        self.state, self.call_id, self.remote_user_id = PREPARED, '', 0
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _publish(self, text: str) -> bool:
        return self._cloud.publish_as(self._session, str(json.loads(text)['remoteUserId']), text)
