"""What CallAPI's messages mean for ringboard's calls, both ways; the registry still decides.

A ringboard user talks with a CallAPI app (Agora's 1:1 calling kit) in the same Agora project: user ids are the
accounts' numeric ids, a call's `callId` is the registry's call id and its `fromRoomId` the call's RTC channel.
`received` turns a message from a CallAPI peer into the registry action it stands for; `invitation`, `answer` and
`farewell` are the messages CallAPI expects from ringboard's side; a voice call is CallAPI's AudioCall both ways.
A message ringboard cannot map (malformed, from or for someone else, about a call it does not know or that already
ended) changes nothing and is logged once.

Glare (both call each other at once) resolves as the registry resolves it: the peer's VideoCall answers the call
ringboard's user placed (CALL_BACK), one call, which moves to the peer's own channel: CallAPI's RTC stays in the
room it joined when it called (`_rtcJoin` keeps a channel it joined or is joining). CallAPI, calling and then
getting the VideoCall of the person it calls, takes that call in place of its own (`_receiveVideoCall`:
`_isCallingUser` holds, so it adopts the callId) and stays in `calling`: it gets an Accept for that call (`crossed`
says when). Its own invitation gets nothing: CallAPI matches messages by sender, not by callId, so a Cancel or
Reject of it would end the call.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from .call_registry import ENDED, RINGING, VIDEO, VOICE, Call, CallRefused, CallRegistry, EndReason, StoreUnavailable
from .callapi_message import BY_APP, BY_PERSON, CallAction, CallMessage, MessageError, decode
from .decline_reply import peer_reply

log = logging.getLogger(__name__)

INVITATIONS = {CallAction.VIDEO_CALL: VIDEO, CallAction.AUDIO_CALL: VOICE}  # the kind of call each one rings
REMEMBERED = 1024  # call ids kept: invitations seen (a replay cannot ring again) and calls that ended lately


class CallApiCalls:
    def __init__(self, calls: CallRegistry, *, user_of: Callable[[int], str | None],
                 id_of: Callable[[str], int | None]) -> None:
        self._calls = calls
        self._user_of = user_of  # a numeric user id -> the account's username, or None
        self._id_of = id_of  # a username -> the account's numeric id, or None
        self._seen: OrderedDict[str, None] = OrderedDict()  # invitations received
        self._ended: OrderedDict[str, None] = OrderedDict()  # calls that ended lately
        self._crossed: OrderedDict[str, None] = OrderedDict()  # calls a peer's own invitation answered (glare)
        calls.ended.connect(lambda call: _remember(self._ended, call.id))

    # ---- from a CallAPI peer ----
    def received(self, me: str, text: str, publisher: str | None = None) -> Call | None:
        """A message that reached `me`'s user channel: act on the registry as it says, or ignore it (one log line).

        `publisher` is the sender's user id as Agora reports it; a message claiming another `fromUserId` is ignored.
        Returns the call's new snapshot, or None when nothing changed.
        """
        try:
            message = decode(text)
        except MessageError as error:
            log.warning('CallAPI message to %s ignored: %s', me, error)
            return None
        peer = self._user_of(message.from_user)
        if message.remote_user != self._id_of(me) or peer is None or peer == me or \
                (publisher is not None and publisher != str(message.from_user)):
            log.warning('CallAPI message %s to %s ignored: from user %s (published by %s) to user %s',
                        message.action.name, me, message.from_user, publisher, message.remote_user)
            return None
        try:
            return self._act(me, peer, message)
        except StoreUnavailable:  # Redis lost: this process's calls have ended (backend/redis_outage.py)
            log.warning('CallAPI message %s from %s to %s for call %s ignored: the server lost Redis',
                        message.action.name, peer, me, message.call_id)
            return None
        except CallRefused as refusal:
            # Between two ringboard users each step reaches the registry first and its message arrives after it:
            # nothing to do, and nothing to warn about.
            call = self._calls.get(message.call_id)
            echo = message.call_id in self._ended or (call is not None and {call.caller, call.callee} == {me, peer})
            log.log(logging.INFO if echo else logging.WARNING, 'CallAPI message %s from %s to %s for call %s '
                    'ignored: %s', message.action.name, peer, me, message.call_id, refusal)
            return None

    def _act(self, me: str, peer: str, message: CallMessage) -> Call:
        if message.action in INVITATIONS:
            if message.call_id in self._seen:
                raise CallRefused('That invitation was already received.')
            _remember(self._seen, message.call_id)
            # The peer reached this user's user channel, so the user is online; a busy user's call ends as busy.
            call = self._calls.invite(peer, me, callee_online=True, call_id=message.call_id, channel=message.room,
                                      kind=INVITATIONS[message.action])
            if call.id != message.call_id:  # glare: the registry took it as the answer to me's call to the peer
                _remember(self._crossed, call.id)
            return call
        call = self._calls.get(message.call_id)
        if call is None and message.action is CallAction.REJECT and message.by_app == BY_APP:
            # CallAPI's busy refusal carries the callId of the call that keeps it busy: it names the caller only.
            call = self._calls.live_call_of(me)
        if call is None or {call.caller, call.callee} != {me, peer}:
            raise CallRefused('No such call.')
        peer_called = call.caller == peer
        if message.action is CallAction.ACCEPT and not peer_called:
            return self._calls.accept(call.id, peer)
        if message.action is CallAction.REJECT and not peer_called:
            if message.by_app == BY_APP:
                return self._calls.refused_busy(call.id, peer)
            return self._calls.decline(call.id, peer, peer_reply(message.reject_reason))  # its words, made fit
        if message.action is CallAction.CANCEL and peer_called:
            if message.by_app == BY_APP:  # the caller's app gave up ringing: a call nobody answered
                return self._calls.no_response(call.id, peer)
            return self._calls.cancel(call.id, peer)
        if message.action is CallAction.CANCEL:  # the callee's app stopped ringing after its own timeout
            return self._calls.no_response(call.id, me)
        if message.action is CallAction.HANGUP:
            if call.state is not RINGING:
                return self._calls.hang_up(call.id, peer)
            return self._calls.cancel(call.id, peer) if peer_called else self._calls.decline(call.id, peer)
        raise CallRefused(f'{message.action.name} does not fit this call.')

    # ---- to a CallAPI peer ----
    def invitation(self, call: Call) -> CallMessage:
        """The VideoCall or AudioCall that rings the callee of `call`, a call ringboard's user placed."""
        action = next(action for action, kind in INVITATIONS.items() if kind is call.kind)
        return self._message(action, call, call.caller, room=call.channel)

    def answer(self, call: Call, me: str) -> CallMessage:
        """The Accept `me` sends: the callee answering the peer's call, or in glare the caller (see `crossed`)."""
        return self._message(CallAction.ACCEPT, call, me)

    def crossed(self, call: Call) -> bool:
        """Whether the peer's own invitation answered `call` (glare): CallAPI then waits for an Accept of it."""
        return call.id in self._crossed

    def farewell(self, call: Call, me: str) -> CallMessage | None:
        """What `me` tells the peer when `call` ended on ringboard's side; None when the peer ended it or knows."""
        if call.state is not ENDED or call.ended_by == call.peer_of(me):
            return None
        reason = call.end_reason
        if call.answered_at is not None:
            return self._message(CallAction.HANGUP, call, me)
        if me == call.caller:
            if reason is EndReason.NO_ANSWER:  # only the registry's ring timer (the peer's own timeout is theirs)
                return self._message(CallAction.CANCEL, call, me, by_app=BY_APP) if call.ended_by is None else None
            if reason in (EndReason.OFFLINE, EndReason.BUSY, EndReason.DECLINED):
                return None  # the peer's answer, or nobody there to tell
            return self._message(CallAction.CANCEL, call, me, by_app=BY_PERSON)
        if reason is EndReason.BUSY:
            return self._message(CallAction.REJECT, call, me, reject_reason='busy', by_app=BY_APP)
        if reason is EndReason.NO_ANSWER:  # as CallAPI's callee does on its own ring timeout
            return self._message(CallAction.CANCEL, call, me, by_app=BY_APP)
        # A decline's reply is CallAPI's rejectReason; without one the field is left out, as CallAPI leaves it.
        return self._message(CallAction.REJECT, call, me, reject_reason=call.reply or None, by_app=BY_PERSON)

    def _message(self, action: CallAction, call: Call, me: str, **fields: object) -> CallMessage:
        sender, receiver = self._id_of(me), self._id_of(call.peer_of(me))
        if sender is None or receiver is None:
            raise LookupError(f'call {call.id}: no numeric user id for {me} or {call.peer_of(me)}')
        return CallMessage(action, call.id, sender, receiver, **fields)


def _remember(kept: OrderedDict[str, None], call_id: str) -> None:
    kept[call_id] = None
    if len(kept) > REMEMBERED:
        kept.popitem(last=False)
