"""CallAPI's messages both ways, field for field against what CallAPI's Web source sends, on the real registry.

`callapi_sends` writes a message exactly as CallAPI does (Web/src/callApi/core/callApi.ts on branch dev/web of
AgoraIO-Community/CallAPI): the fields in the order each `_publishMessage` call lists them, a field whose value
is undefined left out by JSON.stringify, then `encodeMessage` adds message_version "1.0" and message_timestamp.
"""
from __future__ import annotations

import json
import logging
import uuid

import pytest

from backend.accounts import Account
from backend.call_registry import CONNECTING, ENDED, RINGING, VIDEO, VOICE, CallRegistry, EndReason
from backend.callapi_calls import CallApiCalls
from backend.callapi_message import CallAction, CallMessage, MessageError, decode, encode
from backend.directory import Directory

from .manual_clock import ManualClock

IDS = {'alice': 7, 'bob': 12, 'carol': 31}  # the accounts' numeric ids: their RTM and RTC user ids
RING = 45.0
NOW_MS = 1_765_000_000_123


def callapi_sends(**fields: object) -> str:
    """CallAPI's encodeMessage: {...message, message_version: "1.0", message_timestamp}, as JSON.stringify."""
    message = {name: value for name, value in fields.items() if value is not None}
    return json.dumps({**message, 'message_version': '1.0', 'message_timestamp': NOW_MS}, separators=(',', ':'))


# What each CallAPI method publishes, the fields in its source's order (callApi.ts, dev/web).
def callapi_call(call_id: str, me: int, peer: int, room: str) -> str:  # call(): VideoCall
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, fromRoomId=room, message_action=0)


def callapi_audio_call(call_id: str, me: int, peer: int, room: str) -> str:  # call() with CallType.Audio: AudioCall
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, fromRoomId=room, message_action=10)


def callapi_cancel(call_id: str, me: int, peer: int, by_app: int = 0) -> str:  # cancelCall() / _autoCancelCall
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, message_action=1,
                         cancelCallByInternal=by_app)


def callapi_accept(call_id: str, me: int, peer: int) -> str:  # accept()
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, message_action=2)


def callapi_reject(call_id: str, me: int, peer: int, reason: str | None = None) -> str:  # reject(uid, reason?)
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, message_action=3, rejectReason=reason,
                         rejectByInternal=0)


def callapi_busy(own_call_id: str, me: int, peer: int) -> str:  # _autoReject: the callId of its own current call
    return callapi_sends(callId=own_call_id, fromUserId=me, remoteUserId=peer, message_action=3,
                         rejectReason='busy', rejectByInternal=1)


def callapi_hangup(call_id: str, me: int, peer: int) -> str:  # hangup()
    return callapi_sends(callId=call_id, fromUserId=me, remoteUserId=peer, message_action=4)


def sent(message: CallMessage | None) -> str:
    assert message is not None
    return encode(message, NOW_MS)


def same_text(ours: str, callapis: str) -> None:
    """Field for field: the same names in the same order, the same values of the same JSON types."""
    assert ours == callapis
    ours_fields, theirs = json.loads(ours), json.loads(callapis)
    assert list(ours_fields) == list(theirs)
    assert [type(value) for value in ours_fields.values()] == [type(value) for value in theirs.values()]


class World:
    def __init__(self) -> None:
        self.clock = ManualClock()
        directory = Directory(Account(name, number) for name, number in IDS.items())
        self.calls = CallRegistry(resolve_user=directory.registered_name, is_online=lambda _: True,
                                  ring_timeout=RING, clock=self.clock)
        names = {number: name for name, number in IDS.items()}
        self.callapi = CallApiCalls(self.calls, user_of=names.get, id_of=IDS.get)
        self.changes = 0
        self.calls.changed.connect(lambda _: self._count())

    def _count(self) -> None:
        self.changes += 1


@pytest.fixture
def w() -> World:
    return World()


# ---- ringboard -> CallAPI: alice (ringboard) calls bob (a CallAPI app) ----
def test_invitation_is_callapis_video_call(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    same_text(sent(w.callapi.invitation(call)), callapi_call(call.id, 7, 12, call.channel))
    assert json.loads(sent(w.callapi.invitation(call)))['message_action'] == CallAction.VIDEO_CALL == 0


def test_a_voice_call_invites_as_callapis_audio_call(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab', kind=VOICE)
    same_text(sent(w.callapi.invitation(call)), callapi_audio_call(call.id, 7, 12, call.channel))
    assert json.loads(sent(w.callapi.invitation(call)))['message_action'] == CallAction.AUDIO_CALL == 10


def test_callapi_accepts_then_ringboard_hangs_up(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    accepted = w.callapi.received('alice', callapi_accept(call.id, 12, 7))
    assert accepted is not None and accepted.state is CONNECTING
    ended = w.calls.hang_up(call.id, 'alice')
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_hangup(call.id, 7, 12))


def test_callapi_hangs_up_and_ringboard_does_not_echo(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    w.callapi.received('alice', callapi_accept(call.id, 12, 7))
    ended = w.callapi.received('alice', callapi_hangup(call.id, 12, 7))
    assert ended is not None and ended.end_reason is EndReason.COMPLETED and ended.ended_by == 'bob'
    assert w.callapi.farewell(ended, 'alice') is None


def test_callapi_rejects(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    ended = w.callapi.received('alice', callapi_reject(call.id, 12, 7))
    assert ended is not None and ended.end_reason is EndReason.DECLINED and ended.ended_by == 'bob'
    assert w.callapi.farewell(ended, 'alice') is None


def test_callapi_busy_refusal_names_its_own_call(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    ended = w.callapi.received('alice', callapi_busy(str(uuid.uuid4()), 12, 7))
    assert ended is not None and ended.id == call.id and ended.end_reason is EndReason.BUSY
    assert w.callapi.farewell(ended, 'alice') is None


def test_ringboard_ring_timeout_is_an_internal_cancel(w: World) -> None:
    ended_calls = []
    w.calls.ended.connect(ended_calls.append)
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    w.clock.advance(RING + 1)
    assert ended_calls[-1].end_reason is EndReason.NO_ANSWER
    same_text(sent(w.callapi.farewell(ended_calls[-1], 'alice')), callapi_cancel(call.id, 7, 12, by_app=1))


def test_ringboard_cancels(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    ended = w.calls.cancel(call.id, 'alice')
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_cancel(call.id, 7, 12, by_app=0))


def test_callapi_callee_gives_up_ringing(w: World) -> None:
    """CallAPI's callee cancels by itself after its own ring timeout (_autoCancelCall(false))."""
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    ended = w.callapi.received('alice', callapi_cancel(call.id, 12, 7, by_app=1))
    assert ended is not None and ended.end_reason is EndReason.NO_ANSWER
    assert w.callapi.farewell(ended, 'alice') is None


@pytest.mark.parametrize('end', ['hung-up', 'connect-failed', 'media-failed', 'connection-lost'])
def test_every_end_of_an_answered_call_on_ringboards_side_is_a_hangup(w: World, end: str) -> None:
    """CallAPI ends a connected call only on a Hangup (its RTC user-left is an event, not an end)."""
    ended_calls = []
    w.calls.ended.connect(ended_calls.append)
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    w.callapi.received('alice', callapi_accept(call.id, 12, 7))
    if end == 'hung-up':
        w.calls.hang_up(call.id, 'alice')
    elif end == 'connect-failed':
        w.calls.connect_failed(call.id, 'alice', 'Cannot reach the video service')
    elif end == 'media-failed':
        w.calls.media_failed(call.id, 'alice', 'no camera')
    else:  # alice's media dropped and did not come back within the grace
        w.calls.media_connected(call.id, 'alice')
        w.calls.media_lost(call.id, 'alice')
        w.clock.advance(w.calls.reconnect_grace + 1)
    [ended] = ended_calls
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_hangup(call.id, 7, 12))


def test_an_offline_callee_is_told_nothing(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    assert w.callapi.farewell(w.calls.peer_offline(call.id, 'alice'), 'alice') is None


def test_glare_is_one_call_and_callapi_gets_the_accept_it_waits_for(w: World) -> None:
    """alice calls bob while bob's CallAPI app calls alice: bob's VideoCall answers alice's call (the registry's
    CALL_BACK). CallAPI adopted alice's callId when her VideoCall reached it while calling her, and waits in
    `calling` for an Accept of that call; its own invitation is never created, never answered."""
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    own_id = str(uuid.uuid4())
    answered = w.callapi.received('alice', callapi_call(own_id, 12, 7, 'callapi-room-12'))
    # CallAPI's RTC stays in the room it joined when it called (_rtcJoin keeps a joined or joining channel): the
    # one call meets there.
    assert answered is not None and (answered.id, answered.state, answered.channel) == (call.id, CONNECTING,
                                                                                       'callapi-room-12')
    assert w.calls.get(own_id) is None and w.calls.live_call_of('bob') == answered
    assert w.callapi.crossed(answered)
    same_text(sent(w.callapi.answer(answered, 'alice')), callapi_accept(call.id, 7, 12))
    # The CallAPI app then goes on with alice's callId: its hang-up ends the one call.
    ended = w.callapi.received('alice', callapi_hangup(call.id, 12, 7))
    assert ended is not None and ended.end_reason is EndReason.COMPLETED and ended.ended_by == 'bob'


def test_an_accept_is_no_glare(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    accepted = w.callapi.received('alice', callapi_accept(call.id, 12, 7))
    assert accepted is not None and accepted.state is CONNECTING and not w.callapi.crossed(accepted)


# ---- CallAPI -> ringboard: bob (a CallAPI app) calls alice (ringboard) ----
def incoming(w: World) -> tuple[str, str]:
    call_id, room = str(uuid.uuid4()), 'callapi-room-12'
    call = w.callapi.received('alice', callapi_call(call_id, 12, 7, room))
    assert call is not None and call.state is RINGING and call.kind is VIDEO
    assert (call.id, call.caller, call.callee, call.channel) == (call_id, 'bob', 'alice', room)
    return call_id, room


def test_a_callapi_audio_call_rings_as_a_voice_call(w: World) -> None:
    call_id = str(uuid.uuid4())
    call = w.callapi.received('alice', callapi_audio_call(call_id, 12, 7, 'callapi-room-12'))
    assert call is not None and call.state is RINGING and call.kind is VOICE
    assert (call.id, call.caller, call.callee, call.channel) == (call_id, 'bob', 'alice', 'callapi-room-12')
    assert w.callapi.received('alice', callapi_audio_call(call_id, 12, 7, 'callapi-room-12')) is None  # a replay
    assert w.calls.accept(call_id, 'alice', 'alice-tab').kind is VOICE


def test_ringboard_accepts(w: World) -> None:
    call_id, _ = incoming(w)
    call = w.calls.accept(call_id, 'alice', 'alice-tab')
    same_text(sent(w.callapi.answer(call, 'alice')), callapi_accept(call_id, 7, 12))
    ended = w.callapi.received('alice', callapi_hangup(call_id, 12, 7))
    assert ended is not None and ended.end_reason is EndReason.COMPLETED and ended.ended_by == 'bob'


def test_ringboard_declines(w: World) -> None:
    call_id, _ = incoming(w)
    ended = w.calls.decline(call_id, 'alice')
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_reject(call_id, 7, 12))


def test_ringboard_busy_refuses_as_callapi_does(w: World) -> None:
    w.calls.invite('alice', 'carol', 'alice-tab')
    call_id = str(uuid.uuid4())
    ended = w.callapi.received('alice', callapi_call(call_id, 12, 7, 'room'))
    assert ended is not None and ended.state is ENDED and ended.end_reason is EndReason.BUSY
    busy = json.loads(sent(w.callapi.farewell(ended, 'alice')))
    assert list(busy) == list(json.loads(callapi_busy(call_id, 7, 12)))
    assert busy == json.loads(callapi_busy(call_id, 7, 12))


@pytest.mark.parametrize(('by_app', 'reason'), [(0, EndReason.CANCELLED), (1, EndReason.NO_ANSWER)])
def test_callapi_cancels(w: World, by_app: int, reason: EndReason) -> None:
    call_id, _ = incoming(w)
    ended = w.callapi.received('alice', callapi_cancel(call_id, 12, 7, by_app=by_app))
    assert ended is not None and ended.end_reason is reason and ended.ended_by == 'bob'
    assert w.callapi.farewell(ended, 'alice') is None


def test_ringboard_hangs_up_an_incoming_call(w: World) -> None:
    call_id, _ = incoming(w)
    w.calls.accept(call_id, 'alice', 'alice-tab')
    ended = w.calls.hang_up(call_id, 'alice')
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_hangup(call_id, 7, 12))


def test_ringboard_ring_timeout_on_an_incoming_call(w: World) -> None:
    ended_calls = []
    w.calls.ended.connect(ended_calls.append)
    call_id, _ = incoming(w)
    w.clock.advance(RING + 1)
    same_text(sent(w.callapi.farewell(ended_calls[-1], 'alice')), callapi_cancel(call_id, 7, 12, by_app=1))


# ---- what cannot be mapped changes nothing and is logged once ----
CALL_ID = '3f2b8c1e-9d4a-4e6b-8a7c-1b2c3d4e5f60'
BAD = {
    'not-json': '{"callId":',
    'not-an-object': '[1,2]',
    'deep-nesting': '[' * 4000,
    'too-long': callapi_call(CALL_ID, 12, 7, 'x' * 5000),
    'wrong-version': callapi_call(CALL_ID, 12, 7, 'room').replace('"1.0"', '"2.0"'),
    'unknown-action': callapi_sends(callId=CALL_ID, fromUserId=12, remoteUserId=7, message_action=99),
    'action-as-text': callapi_sends(callId=CALL_ID, fromUserId=12, remoteUserId=7, message_action='0',
                                    fromRoomId='room'),
    'call-id-not-uuid': callapi_call('abc', 12, 7, 'room'),
    'room-missing': callapi_sends(callId=CALL_ID, fromUserId=12, remoteUserId=7, message_action=0),
    'room-bad-name': callapi_call(CALL_ID, 12, 7, '../etc'),
    'from-bool': callapi_call(CALL_ID, True, 7, 'room'),
    'from-negative': callapi_call(CALL_ID, -12, 7, 'room'),
    'unknown-caller-id': callapi_call(CALL_ID, 999, 7, 'room'),
    'for-someone-else': callapi_call(CALL_ID, 12, 31, 'room'),
    'from-myself': callapi_call(CALL_ID, 7, 7, 'room'),
    'flag-not-0-or-1': callapi_cancel(CALL_ID, 12, 7, by_app=5),
    'unknown-call-accept': callapi_accept(CALL_ID, 12, 7),
    'unknown-call-hangup': callapi_hangup(CALL_ID, 12, 7),
    'unknown-call-cancel': callapi_cancel(CALL_ID, 12, 7),
}


@pytest.mark.parametrize('text', BAD.values(), ids=BAD.keys())
def test_bad_messages_change_nothing_and_log_once(w: World, caplog: pytest.LogCaptureFixture, text: str) -> None:
    ringing_out = w.calls.invite('alice', 'carol', 'alice-tab')  # a live call the message must not touch
    before = w.changes
    with caplog.at_level(logging.INFO, logger='backend.callapi_calls'):
        assert w.callapi.received('alice', text) is None
    assert w.changes == before
    assert w.calls.get(ringing_out.id) == ringing_out
    assert len([r for r in caplog.records if r.name == 'backend.callapi_calls']) == 1


def test_messages_for_an_ended_call_or_a_replay_change_nothing(w: World, caplog: pytest.LogCaptureFixture) -> None:
    call_id, room = incoming(w)
    w.callapi.received('alice', callapi_cancel(call_id, 12, 7))
    before = w.changes
    with caplog.at_level(logging.INFO, logger='backend.callapi_calls'):
        for text in (callapi_hangup(call_id, 12, 7), callapi_accept(call_id, 12, 7),
                     callapi_call(call_id, 12, 7, room)):
            assert w.callapi.received('alice', text) is None
    assert w.changes == before
    assert len([r for r in caplog.records if r.name == 'backend.callapi_calls']) == 3


def test_a_peer_outside_the_call_cannot_end_it(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    assert w.callapi.received('alice', callapi_reject(call.id, 31, 7)) is None  # carol is not in it
    assert w.callapi.received('alice', callapi_busy(call.id, 31, 7)) is None
    assert w.calls.get(call.id).state is RINGING


def test_decode_reads_numeric_strings_as_callapi_number_does() -> None:
    message = decode(callapi_sends(callId=CALL_ID, fromUserId='12', remoteUserId='7', message_action=2))
    assert (message.action, message.from_user, message.remote_user) == (CallAction.ACCEPT, 12, 7)
    with pytest.raises(MessageError, match='fromUserId'):
        decode(callapi_sends(callId=CALL_ID, fromUserId='12abc', remoteUserId=7, message_action=2))


def test_a_spoofed_sender_changes_nothing(w: World) -> None:
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    assert w.callapi.received('alice', callapi_reject(call.id, 12, 7), publisher='31') is None
    assert w.calls.get(call.id).state is RINGING
    assert w.callapi.received('alice', callapi_reject(call.id, 12, 7), publisher='12').end_reason is EndReason.DECLINED
