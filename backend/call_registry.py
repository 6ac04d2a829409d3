"""The call registry: the one authority on every call's state.

A call moves `ringing -> connecting -> active -> ended`, or `ringing -> ended`. Every change goes through
`_apply`, which checks the action against `RULES` (allowed from-states and who may act) and compares the
call's current state before changing it. All of this is synchronous code on the server's event loop, so a
transition cannot interleave with another one: when accept, cancel and the ring timeout race, the first to
run wins and the others find the state already moved and are refused. Records are immutable snapshots
with a per-call sequence number, so a tab can drop stale or repeated updates.
"""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from .call_clock import CallClock, LoopClock, TimerHandle
from .signal import Signal


class CallState(StrEnum):
    RINGING = 'ringing'
    CONNECTING = 'connecting'
    ACTIVE = 'active'
    ENDED = 'ended'


class EndReason(StrEnum):
    COMPLETED = 'completed'
    CANCELLED = 'cancelled'
    DECLINED = 'declined'
    BUSY = 'busy'
    NO_ANSWER = 'no_answer'
    OFFLINE = 'offline'
    CONNECT_FAILED = 'connect_failed'
    MEDIA_FAILED = 'media_failed'
    CONNECTION_LOST = 'connection_lost'
    ERROR = 'error'


RINGING, CONNECTING, ACTIVE, ENDED = CallState
LIVE_STATES = frozenset({RINGING, CONNECTING, ACTIVE})
# End reasons that count as a missed call for the callee.
MISSED_REASONS = frozenset({EndReason.CANCELLED, EndReason.NO_ANSWER, EndReason.BUSY, EndReason.OFFLINE})


class CallRefused(ValueError):
    """An invite that cannot even start (calling yourself, an unknown user, already in a call)."""


@dataclass(frozen=True)
class Rule:
    from_states: frozenset[CallState]
    to_state: CallState
    actor: str  # 'caller', 'callee', 'party' (either of the two) or 'server' (a timer)
    reason: EndReason | None = None
    by_peer: bool = False  # the call ended on the other party's side, as the actor reports


RULES: dict[str, Rule] = {
    'accept': Rule(frozenset({RINGING}), CONNECTING, 'callee'),
    'decline': Rule(frozenset({RINGING}), ENDED, 'callee', EndReason.DECLINED),
    'cancel': Rule(frozenset({RINGING}), ENDED, 'caller', EndReason.CANCELLED),
    'ring_timeout': Rule(frozenset({RINGING}), ENDED, 'server', EndReason.NO_ANSWER),
    'media_connected': Rule(frozenset({CONNECTING, ACTIVE}), ACTIVE, 'party'),
    'media_lost': Rule(frozenset({ACTIVE}), ACTIVE, 'party'),
    # The caller's camera starts while it rings (embedded mode), so it can fail before the answer.
    'media_failed': Rule(LIVE_STATES, ENDED, 'party', EndReason.MEDIA_FAILED),
    'connect_failed': Rule(frozenset({CONNECTING, ACTIVE}), ENDED, 'party', EndReason.CONNECT_FAILED),
    'connect_timeout': Rule(frozenset({CONNECTING}), ENDED, 'server', EndReason.CONNECT_FAILED),
    'grace_timeout': Rule(frozenset({ACTIVE}), ENDED, 'server', EndReason.CONNECTION_LOST),
    'hang_up': Rule(frozenset({CONNECTING, ACTIVE}), ENDED, 'party', EndReason.COMPLETED),
    'tab_lost': Rule(frozenset({CONNECTING, ACTIVE}), ENDED, 'party', EndReason.CONNECTION_LOST),
    'caller_left': Rule(frozenset({RINGING}), ENDED, 'caller', EndReason.CANCELLED),
    'caller_moved': Rule(frozenset({RINGING}), RINGING, 'caller'),  # the calling tab reloaded: another takes over
    'callee_left': Rule(frozenset({RINGING}), ENDED, 'callee', EndReason.OFFLINE),  # nobody is left to answer
    'shutdown': Rule(LIVE_STATES, ENDED, 'server', EndReason.ERROR),
    # Reported by the pages in Agora RTM mode, where the invitation travels through Agora:
    'refused_busy': Rule(frozenset({RINGING}), ENDED, 'callee', EndReason.BUSY),
    'peer_offline': Rule(frozenset({RINGING}), ENDED, 'caller', EndReason.OFFLINE),
    'no_response': Rule(frozenset({RINGING}), ENDED, 'caller', EndReason.NO_ANSWER),
    'signaling_failed': Rule(frozenset({RINGING}), ENDED, 'party', EndReason.ERROR),
    # Agora RTC's user-left, reported by the one who stayed: the end is the peer's.
    'peer_left': Rule(frozenset({CONNECTING, ACTIVE}), ENDED, 'party', EndReason.CONNECTION_LOST, by_peer=True),
}


@dataclass(frozen=True)
class Call:
    id: str
    caller: str
    callee: str
    channel: str
    state: CallState
    created_at: float
    ring_deadline: float
    caller_tab: str | None = None
    callee_tab: str | None = None  # the tab that accepted; the callee's other tabs are told "answered elsewhere"
    answered_at: float | None = None
    ended_at: float | None = None
    end_reason: EndReason | None = None
    ended_by: str | None = None
    reconnecting: bool = False  # media dropped, waiting out the reconnect grace
    detail: str = ''  # e.g. the browser's reason for a media failure
    seq: int = 0

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    def peer_of(self, user: str) -> str:
        return self.callee if user == self.caller else self.caller

    def tab_of(self, user: str) -> str | None:
        return self.caller_tab if user == self.caller else self.callee_tab

    @property
    def duration(self) -> float:
        if self.answered_at is None:
            return 0.0
        return max(0.0, (self.ended_at or self.answered_at) - self.answered_at)


class CallRegistry:
    def __init__(self, *, resolve_user: Callable[[str], str | None], is_online: Callable[[str], bool],
                 ring_timeout: float = 45.0, connect_timeout: float = 20.0, reconnect_grace: float = 30.0,
                 clock: CallClock | None = None) -> None:
        self._resolve_user = resolve_user  # a name as typed -> the registered spelling, or None
        self._is_online = is_online
        self.ring_timeout = ring_timeout
        self.connect_timeout = connect_timeout
        self.reconnect_grace = reconnect_grace
        self._clock = clock or LoopClock()
        self._calls: dict[str, Call] = {}  # live calls only; ended ones go to the history
        self._live_by_user: dict[str, str] = {}
        self._timers: dict[str, TimerHandle] = {}
        self.changed: Signal[Call] = Signal()  # every new snapshot, ended ones included
        self.ended: Signal[Call] = Signal()  # once per call, for the history

    # ---- queries ----
    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def live_call_of(self, user: str) -> Call | None:
        call_id = self._live_by_user.get(user)
        return self._calls.get(call_id) if call_id else None

    def is_busy(self, user: str) -> bool:
        return user in self._live_by_user

    def signal_peer(self, call_id: str, sender: str) -> str | None:
        """Whom a media signal from `sender` for `call_id` may go to: the other party of an answered live call."""
        call = self._calls.get(call_id)
        if call is None or call.state is RINGING or sender not in (call.caller, call.callee):
            return None
        return call.peer_of(sender)

    def live_calls(self) -> list[Call]:
        return list(self._calls.values())

    # ---- actions ----
    def invite(self, caller: str, callee: str, tab: str | None = None, *, callee_online: bool | None = None) -> Call:
        """Start a call; it may end at once (offline, busy). Raises `CallRefused` when it cannot start at all.

        `callee_online` overrides this server's presence (Agora RTM mode asks Agora before inviting).
        """
        found = self._resolve_user(callee)
        if found is None:
            raise CallRefused(f'There is no user called {callee}.')
        callee = found
        if caller == callee:
            raise CallRefused("You can't call yourself.")
        mine = self.live_call_of(caller)
        if mine is not None:
            if mine.state is RINGING and mine.caller == callee:  # glare: they are calling us right now
                return self.accept(mine.id, caller, tab)
            raise CallRefused('You are already in a call. Finish it first.')
        now = self._clock.time()
        call = Call(id=str(uuid.uuid4()), caller=caller, callee=callee, channel=secrets.token_hex(16),
                    state=RINGING, created_at=now, ring_deadline=now + self.ring_timeout, caller_tab=tab)
        if not (self._is_online(callee) if callee_online is None else callee_online):
            return self._end_at_once(call, EndReason.OFFLINE)
        if self.is_busy(callee):
            return self._end_at_once(call, EndReason.BUSY)
        self._calls[call.id] = call
        self._live_by_user[caller] = self._live_by_user[callee] = call.id
        self._start_timer(call)
        self.changed.emit(call)
        return call

    def accept(self, call_id: str, user: str, tab: str | None = None) -> Call:
        return self._apply('accept', call_id, user, callee_tab=tab)

    def decline(self, call_id: str, user: str) -> Call:
        return self._apply('decline', call_id, user)

    def cancel(self, call_id: str, user: str) -> Call:
        return self._apply('cancel', call_id, user)

    def hang_up(self, call_id: str, user: str) -> Call:
        return self._apply('hang_up', call_id, user)

    def media_connected(self, call_id: str, user: str) -> Call:
        call = self._calls.get(call_id)
        if call is not None and call.state is ACTIVE and not call.reconnecting and self._may_act('party', call, user):
            return call  # the second party's report, or a repeat: nothing changes
        return self._apply('media_connected', call_id, user, reconnecting=False)

    def media_lost(self, call_id: str, user: str) -> Call:
        call = self._calls.get(call_id)
        if call is not None and call.reconnecting and self._may_act('party', call, user):
            return call  # already waiting out the grace period; do not restart it
        return self._apply('media_lost', call_id, user, reconnecting=True)

    def media_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._apply('media_failed', call_id, user, detail=detail)

    def connect_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._apply('connect_failed', call_id, user, detail=detail)

    def refused_busy(self, call_id: str, user: str) -> Call:
        return self._apply('refused_busy', call_id, user)

    def peer_offline(self, call_id: str, user: str) -> Call:
        return self._apply('peer_offline', call_id, user)

    def no_response(self, call_id: str, user: str) -> Call:
        return self._apply('no_response', call_id, user)

    def signaling_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._apply('signaling_failed', call_id, user, detail=detail)

    def peer_left(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._apply('peer_left', call_id, user, detail=detail)

    def tab_gone(self, user: str, tab: str, tabs_left: int, successor: str | None = None) -> Call | None:
        """A tab of `user` is gone for good (closed, reloaded or lost): end what depended on it.

        `successor` (one of the user's remaining tabs) takes over a ringing call placed from the lost tab.
        """
        call = self.live_call_of(user)
        if call is None:
            return None
        if call.state is RINGING and user == call.caller and tabs_left == 0:
            return self._apply('caller_left', call.id, user)
        if call.state is RINGING and user == call.callee and tabs_left == 0:
            return self._apply('callee_left', call.id, user)
        if call.state is RINGING and user == call.caller and call.caller_tab == tab and successor is not None:
            return self._apply('caller_moved', call.id, user, caller_tab=successor)
        if call.state is not RINGING and call.tab_of(user) == tab:
            return self._apply('tab_lost', call.id, user)
        return None

    def shutdown(self) -> None:
        """End every live call (the server is stopping), so each still lands in the history."""
        for call in list(self._calls.values()):
            self._apply('shutdown', call.id, None)

    # ---- the one transition function ----
    def _apply(self, action: str, call_id: str, user: str | None, **changes) -> Call:
        rule = RULES[action]
        call = self._calls.get(call_id)
        if call is None:
            raise CallRefused('That call has already ended.')
        if not self._may_act(rule.actor, call, user):
            raise CallRefused('Only the people in a call can do that.')
        if call.state not in rule.from_states:
            raise CallRefused(_too_late(call))
        now = self._clock.time()
        if rule.to_state is CONNECTING:
            changes['answered_at'] = now
        if rule.to_state is ENDED:
            ended_by = call.peer_of(user) if rule.by_peer and user else user
            changes.update(ended_at=now, end_reason=rule.reason, ended_by=ended_by, reconnecting=False)
        new = replace(call, state=rule.to_state, seq=call.seq + 1, **changes)
        self._cancel_timer(call_id)
        if new.state is ENDED:
            del self._calls[call_id]
            self._live_by_user.pop(new.caller, None)
            self._live_by_user.pop(new.callee, None)
        else:
            self._calls[call_id] = new
            self._start_timer(new)
        self.changed.emit(new)
        if new.state is ENDED:
            self.ended.emit(new)
        return new

    @staticmethod
    def _may_act(actor: str, call: Call, user: str | None) -> bool:
        return {
            'caller': user == call.caller,
            'callee': user == call.callee,
            'party': user in (call.caller, call.callee),
            'server': user is None,
        }[actor]

    def _end_at_once(self, call: Call, reason: EndReason) -> Call:
        ended = replace(call, state=ENDED, ended_at=call.created_at, end_reason=reason, seq=1)
        self.changed.emit(ended)
        self.ended.emit(ended)
        return ended

    # ---- server timers: one per live call, replaced on every transition ----
    def _start_timer(self, call: Call) -> None:
        if call.state is RINGING:
            delay, action = call.ring_deadline - self._clock.time(), 'ring_timeout'
        elif call.state is CONNECTING:
            delay, action = self.connect_timeout, 'connect_timeout'
        elif call.reconnecting:
            delay, action = self.reconnect_grace, 'grace_timeout'
        else:
            return
        self._timers[call.id] = self._clock.call_later(max(0.0, delay), lambda: self._expire(action, call.id))

    def _expire(self, action: str, call_id: str) -> None:
        self._timers.pop(call_id, None)
        try:
            self._apply(action, call_id, None)
        except CallRefused:
            pass  # the call moved on just before its timer fired

    def _cancel_timer(self, call_id: str) -> None:
        timer = self._timers.pop(call_id, None)
        if timer is not None:
            timer.cancel()


def _too_late(call: Call) -> str:
    if call.state is RINGING:
        return 'The call has not been answered yet.'
    return 'The call was already answered.'
