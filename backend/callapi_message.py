"""The call messages of Agora's CallAPI kit (AgoraIO-Community/CallAPI, Web/src/callApi), as JSON text.

CallAPI sends each message to one user over a Signaling 2.x user channel: `encodeMessage` spreads the message's
fields and then adds `message_version` "1.0" and `message_timestamp` (ms), and `JSON.stringify` leaves out a field
whose value is undefined. `encode` writes exactly that text; `decode` reads such a text back, strictly, and says in
a `MessageError` what is wrong with anything else.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import IntEnum

MESSAGE_VERSION = '1.0'
MAX_MESSAGE_CHARS = 4096  # CallAPI's messages are ~250 characters; anything far larger is not one of them
_UUID = re.compile(r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')
_ROOM = re.compile(r'[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]{1,64}')  # an Agora RTC channel name


class CallAction(IntEnum):
    """CallAPI's `message_action`."""
    VIDEO_CALL = 0
    CANCEL = 1
    ACCEPT = 2
    REJECT = 3
    HANGUP = 4
    AUDIO_CALL = 10


# CallAPI's RejectByInternal, used for both `rejectByInternal` and `cancelCallByInternal`.
BY_PERSON, BY_APP = 0, 1


class MessageError(ValueError):
    """A text that is not a CallAPI call message ringboard can read; the message says why."""


@dataclass(frozen=True)
class CallMessage:
    action: CallAction
    call_id: str  # callId: a uuid v4
    from_user: int  # fromUserId: the sender's numeric user id
    remote_user: int  # remoteUserId: the receiver's numeric user id
    room: str | None = None  # fromRoomId: the RTC channel of the call (VideoCall only)
    reject_reason: str | None = None  # rejectReason (Reject only; "busy" when the app refused)
    by_app: int | None = None  # rejectByInternal (Reject) or cancelCallByInternal (Cancel): BY_PERSON or BY_APP


def encode(message: CallMessage, timestamp_ms: int) -> str:
    """The JSON text CallAPI's `_publishMessage` sends for `message` (same fields, order and types)."""
    fields: dict[str, object] = {'callId': message.call_id, 'fromUserId': message.from_user,
                                 'remoteUserId': message.remote_user}
    if message.action in (CallAction.VIDEO_CALL, CallAction.AUDIO_CALL):
        fields['fromRoomId'] = message.room
    fields['message_action'] = int(message.action)
    if message.action is CallAction.REJECT:
        if message.reject_reason is not None:
            fields['rejectReason'] = message.reject_reason
        fields['rejectByInternal'] = message.by_app
    elif message.action is CallAction.CANCEL:
        fields['cancelCallByInternal'] = message.by_app
    fields.update(message_version=MESSAGE_VERSION, message_timestamp=timestamp_ms)
    return json.dumps(fields, separators=(',', ':'), ensure_ascii=False)


def decode(text: str) -> CallMessage:
    """Read a CallAPI message; raise `MessageError` for anything that is not one."""
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise MessageError(f'not a text of at most {MAX_MESSAGE_CHARS} characters')
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise MessageError('not JSON') from None
    if not isinstance(data, dict):
        raise MessageError('not a JSON object')
    if data.get('message_version') != MESSAGE_VERSION:
        raise MessageError(f'message_version is not "{MESSAGE_VERSION}"')
    action = data.get('message_action')
    if type(action) is not int or action not in CallAction._value2member_map_:
        raise MessageError('unknown message_action')
    action = CallAction(action)
    call_id = data.get('callId')
    if not isinstance(call_id, str) or not _UUID.fullmatch(call_id):
        raise MessageError('callId is not a uuid')
    room = data.get('fromRoomId')
    if action in (CallAction.VIDEO_CALL, CallAction.AUDIO_CALL) and \
            (not isinstance(room, str) or not _ROOM.fullmatch(room)):
        raise MessageError('fromRoomId is not an RTC channel name')
    reason = data.get('rejectReason')  # any length: a long one is cut for showing (decline_reply.peer_reply)
    if reason is not None and not isinstance(reason, str):
        raise MessageError('rejectReason is not a text')
    flag = data.get('rejectByInternal' if action is CallAction.REJECT else 'cancelCallByInternal')
    if flag is not None and (type(flag) is not int or flag not in (BY_PERSON, BY_APP)):
        raise MessageError('rejectByInternal / cancelCallByInternal is not 0 or 1')
    return CallMessage(action, call_id.lower(), _user_id(data, 'fromUserId'), _user_id(data, 'remoteUserId'),
                       room=room if action in (CallAction.VIDEO_CALL, CallAction.AUDIO_CALL) else None,
                       reject_reason=reason if action is CallAction.REJECT else None,
                       by_app=flag if action in (CallAction.REJECT, CallAction.CANCEL) else None)


def _user_id(data: dict, name: str) -> int:
    """CallAPI's ids are numbers; it reads them with Number(), so a decimal string is accepted too."""
    value = data.get(name)
    if isinstance(value, str) and re.fullmatch(r'[1-9][0-9]{0,15}', value):
        value = int(value)
    if type(value) is not int or not 0 < value < 2 ** 53:
        raise MessageError(f'{name} is not a positive whole number')
    return value
