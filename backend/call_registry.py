"""The call registry: the one authority on every call's state.

A call moves `ringing -> connecting -> active -> ended`, or `ringing -> ended`. Every rule of a call is in the
tables below: `RULES` says, per action, from which states it may happen, who may take it and what it leads to;
`INVITE_ENDS` and `TAB_GONE` say which action an invite or a tab going away amounts to (glare is `CALL_BACK`).
Every change goes through `_apply`, the one transition function, which checks the action against its rule before
changing the call; the live calls sit in a `CallStore`.
All of this is synchronous code on the server's event loop, so a transition cannot interleave with another one in
this process: when accept, cancel and the ring timeout race, the first to run wins and the others find the state
already moved and are refused. Records are immutable snapshots with a per-call sequence number, so a tab can drop
stale or repeated updates. With a store shared by several processes (Redis) a transition is written only if the
call's sequence number is still the one it read; if another process moved the call first, the action runs again
on the call as it now is, and the same rules refuse it or let it through (`_retried`).
Each live call has one deadline at a time (ring, connect or grace timeout): a timer on this process's clock and,
in a shared store, an entry any process fires once due (`watch_timers`); a deadline of an older snapshot is void.
"""
from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ParamSpec, TypeVar

from .call_clock import CallClock, LoopClock, TimerHandle
from .call_store import CallStore, Deadline, MemoryCallStore
from .decline_reply import reply_problem
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


class CallKind(StrEnum):
    """What the caller asked for: a voice call never opens a camera until one side turns theirs on."""
    VIDEO = 'video'
    VOICE = 'voice'


RINGING, CONNECTING, ACTIVE, ENDED = CallState
VIDEO, VOICE = CallKind
LIVE_STATES = frozenset({RINGING, CONNECTING, ACTIVE})
# End reasons that count as a missed call for the callee.
MISSED_REASONS = frozenset({EndReason.CANCELLED, EndReason.NO_ANSWER, EndReason.BUSY, EndReason.OFFLINE})


class CallRefused(ValueError):
    """An action the rules do not allow, or an invite that cannot even start (calling yourself, an unknown user,
    already in a call)."""


class StoreUnavailable(CallRefused):
    """A shared store (Redis) stopped answering while the app runs: the action changed nothing, and its person
    reads why, as for any refusal."""

    def __init__(self) -> None:
        super().__init__('Calls are paused while the server reconnects. Try again in a moment.')


class _Conflict(Exception):
    """Another process changed the call between this transition's read and its write (a shared store)."""


Params, Result = ParamSpec('Params'), TypeVar('Result')


def _retried(action: Callable[Params, Result]) -> Callable[Params, Result]:
    """Run a registry action again from a fresh read when its write lost a race with another process: it then
    meets the call as the winner left it (this ends: every lost race is another transition that succeeded)."""
    @functools.wraps(action)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        while True:
            try:
                return action(*args, **kwargs)
            except _Conflict:
                continue
    return run


class Actor(StrEnum):
    CALLER = 'caller'
    CALLEE = 'callee'
    PARTY = 'party'  # either of the two
    SERVER = 'server'  # a timer, or the server itself (user None)

    def may_act(self, call: Call, user: str | None) -> bool:
        if self is Actor.SERVER:
            return user is None
        if self is Actor.PARTY:
            return user in (call.caller, call.callee)
        return user == (call.caller if self is Actor.CALLER else call.callee)


class Action(StrEnum):
    ACCEPT = 'accept'
    CALL_BACK = 'call_back'
    DECLINE = 'decline'
    CANCEL = 'cancel'
    RING_TIMEOUT = 'ring_timeout'
    CALLEE_OFFLINE = 'callee_offline'
    CALLEE_BUSY = 'callee_busy'
    MEDIA_CONNECTED = 'media_connected'
    MEDIA_LOST = 'media_lost'
    MEDIA_FAILED = 'media_failed'
    CONNECT_FAILED = 'connect_failed'
    CONNECT_TIMEOUT = 'connect_timeout'
    GRACE_TIMEOUT = 'grace_timeout'
    HANG_UP = 'hang_up'
    TAB_LOST = 'tab_lost'
    CALLER_LEFT = 'caller_left'
    CALLER_MOVED = 'caller_moved'
    CALLEE_LEFT = 'callee_left'
    SHUTDOWN = 'shutdown'
    REFUSED_BUSY = 'refused_busy'
    PEER_OFFLINE = 'peer_offline'
    NO_RESPONSE = 'no_response'
    SIGNALING_FAILED = 'signaling_failed'
    PEER_LEFT = 'peer_left'
    SHARE_SCREEN = 'share_screen'
    STOP_SHARING = 'stop_sharing'


@dataclass(frozen=True)
class Rule:
    from_states: frozenset[CallState]
    to_state: CallState
    actor: Actor
    reason: EndReason | None = None
    by_peer: bool = False  # the call ended on the other party's side, as the actor reports
    reconnecting: bool = False  # afterwards: media dropped, waiting out the reconnect grace
    media_flowing: bool = False  # only while the media flows (not during a reconnect grace, which it would end)

    def in_time(self, call: Call) -> bool:
        return call.state in self.from_states and not (self.media_flowing and call.reconnecting)

    def admits(self, call: Call, user: str | None) -> bool:
        return self.in_time(call) and self.actor.may_act(call, user)


CALLER, CALLEE, PARTY, SERVER = Actor
ANSWERED = frozenset({CONNECTING, ACTIVE})
# An action that would leave the call exactly as it is (e.g. the second party's media_connected, a repeated
# media_lost) is no transition: nothing is emitted and the running timer goes on.
RULES: dict[Action, Rule] = {
    Action.ACCEPT: Rule(frozenset({RINGING}), CONNECTING, CALLEE),
    # Glare: the callee invites the caller while the caller's call rings: an answer, not a second call (before the
    # busy rule: the callee is busy with this very call).
    Action.CALL_BACK: Rule(frozenset({RINGING}), CONNECTING, CALLEE),
    Action.DECLINE: Rule(frozenset({RINGING}), ENDED, CALLEE, EndReason.DECLINED),
    Action.CANCEL: Rule(frozenset({RINGING}), ENDED, CALLER, EndReason.CANCELLED),
    Action.RING_TIMEOUT: Rule(frozenset({RINGING}), ENDED, SERVER, EndReason.NO_ANSWER),
    # An invite's immediate ends (INVITE_ENDS): the new call ends before anyone is told it rang.
    Action.CALLEE_OFFLINE: Rule(frozenset({RINGING}), ENDED, SERVER, EndReason.OFFLINE),
    Action.CALLEE_BUSY: Rule(frozenset({RINGING}), ENDED, SERVER, EndReason.BUSY),
    Action.MEDIA_CONNECTED: Rule(ANSWERED, ACTIVE, PARTY),
    Action.MEDIA_LOST: Rule(frozenset({ACTIVE}), ACTIVE, PARTY, reconnecting=True),
    # The caller's camera starts while it rings (embedded mode), so it can fail before the answer.
    Action.MEDIA_FAILED: Rule(LIVE_STATES, ENDED, PARTY, EndReason.MEDIA_FAILED),
    Action.CONNECT_FAILED: Rule(ANSWERED, ENDED, PARTY, EndReason.CONNECT_FAILED),
    Action.CONNECT_TIMEOUT: Rule(frozenset({CONNECTING}), ENDED, SERVER, EndReason.CONNECT_FAILED),
    Action.GRACE_TIMEOUT: Rule(frozenset({ACTIVE}), ENDED, SERVER, EndReason.CONNECTION_LOST),
    Action.HANG_UP: Rule(ANSWERED, ENDED, PARTY, EndReason.COMPLETED),
    # A tab gone for good (TAB_GONE says which of these it is):
    Action.TAB_LOST: Rule(ANSWERED, ENDED, PARTY, EndReason.CONNECTION_LOST),
    Action.CALLER_LEFT: Rule(frozenset({RINGING}), ENDED, CALLER, EndReason.CANCELLED),
    Action.CALLER_MOVED: Rule(frozenset({RINGING}), RINGING, CALLER),  # the calling tab reloaded: another takes over
    Action.CALLEE_LEFT: Rule(frozenset({RINGING}), ENDED, CALLEE, EndReason.OFFLINE),  # nobody is left to answer
    Action.SHUTDOWN: Rule(LIVE_STATES, ENDED, SERVER, EndReason.ERROR),
    # Reported by the pages in Agora RTM mode, where the invitation travels through Agora:
    Action.REFUSED_BUSY: Rule(frozenset({RINGING}), ENDED, CALLEE, EndReason.BUSY),
    Action.PEER_OFFLINE: Rule(frozenset({RINGING}), ENDED, CALLER, EndReason.OFFLINE),
    Action.NO_RESPONSE: Rule(frozenset({RINGING}), ENDED, CALLER, EndReason.NO_ANSWER),
    Action.SIGNALING_FAILED: Rule(frozenset({RINGING}), ENDED, PARTY, EndReason.ERROR),
    # Agora RTC's user-left, reported by the one who stayed: the end is the peer's.
    Action.PEER_LEFT: Rule(ANSWERED, ENDED, PARTY, EndReason.CONNECTION_LOST, by_peer=True),
    # One screen shared at a time: a party's share replaces the other's (whose browser then stops capturing).
    Action.SHARE_SCREEN: Rule(frozenset({ACTIVE}), ACTIVE, PARTY, media_flowing=True),
    Action.STOP_SHARING: Rule(frozenset({ACTIVE}), ACTIVE, PARTY, media_flowing=True),
}


@dataclass(frozen=True)
class Invite:
    """What an invite that may start (see `CallRegistry.invite`) finds of its callee."""
    callee_online: bool
    callee_busy: bool

    def finds_offline(self, _call: Call) -> bool:
        return not self.callee_online

    def finds_busy(self, _call: Call) -> bool:
        return self.callee_busy


@dataclass(frozen=True)
class TabGone:
    """A tab of `user` gone for good (closed, reloaded or lost); `successor` is one of the tabs they have left."""
    user: str
    tab: str
    tabs_left: int
    successor: str | None

    def was_last(self, _call: Call) -> bool:
        return self.tabs_left == 0

    def held(self, call: Call) -> bool:
        return call.tab_of(self.user) == self.tab

    def handed_on(self, call: Call) -> bool:
        return self.held(call) and self.successor is not None


Facts = TypeVar('Facts', Invite, TabGone)
# What an invite or a tab going away does to a call: the first action whose rule admits the call's state and the
# one acting, and whose condition holds; none: nothing happens.
INVITE_ENDS: tuple[tuple[Action, Callable[[Invite, Call], bool]], ...] = (  # on the new call, acted by the server
    (Action.CALLEE_OFFLINE, Invite.finds_offline),
    (Action.CALLEE_BUSY, Invite.finds_busy),
)
TAB_GONE: tuple[tuple[Action, Callable[[TabGone, Call], bool]], ...] = (  # on its user's live call, acted by them
    (Action.CALLER_LEFT, TabGone.was_last),
    (Action.CALLEE_LEFT, TabGone.was_last),
    (Action.CALLER_MOVED, TabGone.handed_on),
    (Action.TAB_LOST, TabGone.held),
)


def _first_action(cases: tuple[tuple[Action, Callable[[Facts, Call], bool]], ...], facts: Facts, call: Call,
                 user: str | None) -> Action | None:
    return next((action for action, holds in cases if RULES[action].admits(call, user) and holds(facts, call)), None)


def talk_time(answered_at: float | None, until: float) -> float:
    """A call's duration, the one formula: from the answer until `until` (its end, or now); 0 if never answered."""
    return 0.0 if answered_at is None else max(0.0, until - answered_at)


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
    reply: str = ''  # the callee's words with a decline, e.g. "In a meeting" (decline_reply.py)
    kind: CallKind = CallKind.VIDEO  # as placed; data of the call, not a state: either side may turn video on
    sharing: str | None = None  # the party whose screen the call shows now
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
        """How long the ended call lasted (0 while it lasts)."""
        return talk_time(self.answered_at, self.ended_at or self.created_at)

    def duration_at(self, now: float) -> float:
        """The duration so far: up to `now` while the call lasts."""
        return talk_time(self.answered_at, self.ended_at or now)


class CallRegistry:
    def __init__(self, *, resolve_user: Callable[[str], str | None], is_online: Callable[[str], bool],
                 ring_timeout: float = 45.0, connect_timeout: float = 20.0, reconnect_grace: float = 30.0,
                 clock: CallClock | None = None, store: CallStore | None = None, timer_poll: float = 1.0,
                 connect_while_ringing: bool = False) -> None:
        """`connect_while_ringing` (INSTANT_ANSWER): the parties' media may connect before the answer."""
        self._resolve_user = resolve_user  # a name as typed -> the registered spelling, or None
        self._is_online = is_online
        self.ring_timeout = ring_timeout
        self.connect_timeout = connect_timeout
        self.reconnect_grace = reconnect_grace
        self._clock = clock or LoopClock()
        self._store = store or MemoryCallStore()
        self.timer_poll = timer_poll  # how often a shared store's due deadlines are looked for
        self.connect_while_ringing = connect_while_ringing
        self._timers: dict[str, TimerHandle] = {}  # this process's clock timer per call it last moved
        self.changed: Signal[Call] = Signal()  # every new snapshot, ended ones included
        self.ended: Signal[Call] = Signal()  # once per call, for the history

    # ---- queries ----
    def get(self, call_id: str) -> Call | None:
        return self._store.get(call_id)

    def live_call_of(self, user: str) -> Call | None:
        return self._store.live_call_of(user)

    def is_busy(self, user: str) -> bool:
        try:
            return self._store.live_call_of(user) is not None
        except StoreUnavailable:  # its calls have ended for this process's tabs (backend/redis_outage.py)
            return False

    def signal_peer(self, call_id: str, sender: str, sender_tab: str | None, to_tab: str | None) -> str | None:
        """Whom a media signal from `sender`'s tab `sender_tab` to the other party's tab `to_tab` may go to (None:
        nobody). Signals pass between the calling tab and the answering tab of an answered live call; while it
        rings, with `connect_while_ringing`, between the calling tab and any tab of the callee (each ringing tab
        connects on its own, and the ones that do not answer drop their connection)."""
        call = self._store.get(call_id)
        if call is None or not call.live or sender not in (call.caller, call.callee):
            return None
        caller_tab, callee_tab = (sender_tab, to_tab) if sender == call.caller else (to_tab, sender_tab)
        if caller_tab != call.caller_tab:
            return None
        if call.state is RINGING:
            return call.peer_of(sender) if self.connect_while_ringing else None
        return call.peer_of(sender) if callee_tab == call.callee_tab else None

    def live_calls(self) -> list[Call]:
        return self._store.live_calls()

    @property
    def _live_by_user(self) -> dict[str, str]:  # what the randomized test checks against its own model
        return self._store.live_by_user

    # ---- actions ----
    @_retried
    def invite(self, caller: str, callee: str, tab: str | None = None, *, callee_online: bool | None = None,
               call_id: str | None = None, channel: str | None = None, kind: CallKind = CallKind.VIDEO) -> Call:
        """Start a call; it may end at once (offline, busy). Raises `CallRefused` when it cannot start at all.

        `callee_online` overrides this server's presence (Agora RTM mode asks Agora before inviting).
        `call_id` and `channel` are the caller's own when the call comes from elsewhere (a CallAPI app's callId and
        RTC channel); otherwise the registry makes them up. `kind`: a video or a voice call (glare answers the
        ringing call as it was placed).
        """
        if call_id is not None and self._store.get(call_id) is not None:
            raise CallRefused('That call is already ringing.')
        found = self._resolve_user(callee)
        if found is None:
            raise CallRefused(f'There is no user called {callee}.')
        callee = found
        if caller == callee:
            raise CallRefused("You can't call yourself.")
        mine = self.live_call_of(caller)
        if mine is not None:  # the only invite a party of a live call may make is glare's
            if mine.caller != callee or not RULES[Action.CALL_BACK].admits(mine, caller):
                raise CallRefused('You are already in a call. Finish it first.')
            # A call back from elsewhere (a CallAPI app) is already in a channel of its own: the call meets there.
            moved = {'channel': channel} if channel is not None else {}
            return self._apply(Action.CALL_BACK, mine, caller, callee_tab=tab, **moved)
        now = self._clock.time()
        call = Call(id=call_id or str(uuid.uuid4()), caller=caller, callee=callee,
                    channel=channel or secrets.token_hex(16), state=RINGING, created_at=now,
                    ring_deadline=now + self.ring_timeout, caller_tab=tab, kind=CallKind(kind))
        theirs = self.live_call_of(callee)
        if theirs is not None and caller in (theirs.caller, theirs.callee):
            # Another process rang the caller since `mine` was read (glare across processes): decide again, with it.
            return self.invite(caller, callee, tab, callee_online=callee_online, call_id=call_id, channel=channel,
                               kind=kind)
        found_callee = Invite(callee_online=self._is_online(callee) if callee_online is None else callee_online,
                              callee_busy=theirs is not None)
        end = _first_action(INVITE_ENDS, found_callee, call, None)
        if end is not None:
            return self._apply(end, call, None, now=now, stored=False)
        self._publish(call, None)
        return call

    def accept(self, call_id: str, user: str, tab: str | None = None) -> Call:
        return self._act(Action.ACCEPT, call_id, user, callee_tab=tab)

    def decline(self, call_id: str, user: str, reply: str = '') -> Call:
        """Decline a ringing call, with a reply to the caller or without ('')."""
        if reply != '' and (problem := reply_problem(reply)):
            raise CallRefused(problem)
        return self._act(Action.DECLINE, call_id, user, reply=reply.strip())

    def cancel(self, call_id: str, user: str) -> Call:
        return self._act(Action.CANCEL, call_id, user)

    def hang_up(self, call_id: str, user: str) -> Call:
        return self._act(Action.HANG_UP, call_id, user)

    def media_connected(self, call_id: str, user: str) -> Call:
        return self._act(Action.MEDIA_CONNECTED, call_id, user)

    def media_lost(self, call_id: str, user: str) -> Call:
        return self._act(Action.MEDIA_LOST, call_id, user)

    def media_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._act(Action.MEDIA_FAILED, call_id, user, detail=detail)

    def connect_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._act(Action.CONNECT_FAILED, call_id, user, detail=detail)

    def refused_busy(self, call_id: str, user: str) -> Call:
        return self._act(Action.REFUSED_BUSY, call_id, user)

    def peer_offline(self, call_id: str, user: str) -> Call:
        return self._act(Action.PEER_OFFLINE, call_id, user)

    def no_response(self, call_id: str, user: str) -> Call:
        return self._act(Action.NO_RESPONSE, call_id, user)

    def signaling_failed(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._act(Action.SIGNALING_FAILED, call_id, user, detail=detail)

    def peer_left(self, call_id: str, user: str, detail: str = '') -> Call:
        return self._act(Action.PEER_LEFT, call_id, user, detail=detail)

    def share_screen(self, call_id: str, user: str) -> Call:
        """`user`'s screen is shown from now on, instead of any screen the other party shared."""
        return self._act(Action.SHARE_SCREEN, call_id, user, sharing=user)

    @_retried
    def stop_sharing(self, call_id: str, user: str) -> Call:
        """`user` stops sharing their screen; the other party's share, if theirs is shown, goes on."""
        call = self._live(call_id)
        return self._apply(Action.STOP_SHARING, call, user, sharing=None if call.sharing == user else call.sharing)

    @_retried
    def tab_gone(self, user: str, tab: str, tabs_left: int, successor: str | None = None) -> Call | None:
        """A tab of `user` is gone for good (closed, reloaded or lost): end what depended on it, as `TAB_GONE` says.

        `successor` (one of the user's remaining tabs) takes over a ringing call placed from the lost tab.
        """
        call = self.live_call_of(user)
        if call is None:
            return None
        action = _first_action(TAB_GONE, TabGone(user, tab, tabs_left, successor), call, user)
        if action is None:
            return None
        if action is Action.CALLER_MOVED:
            return self._apply(action, call, user, caller_tab=successor)
        return self._apply(action, call, user)

    def shutdown(self, tabs: Collection[str] | None = None) -> None:
        """End the live calls of this process (the server is stopping), so each still lands in the history.

        `tabs`: with a shared store, this process's tabs: only the calls placed or answered on one of them end
        (the others are other processes' to hold); None: every live call."""
        try:
            for call in self._store.live_calls():
                if tabs is None or call.caller_tab in tabs or call.callee_tab in tabs:
                    self.end_for_server(call.id)
        except StoreUnavailable:
            pass  # Redis away: this process's tabs saw their calls end when it went (backend/redis_outage.py)

    def end_for_server(self, call_id: str, detail: str = '') -> None:
        """End a live call for a reason of the server's own (stopping, or its shared store was lost); a call that
        has ended meanwhile stays as it is. Raises `StoreUnavailable` if the store does not answer."""
        try:
            self._act(Action.SHUTDOWN, call_id, None, detail=detail)
        except StoreUnavailable:
            raise
        except CallRefused:
            pass  # it ended meanwhile (here, or on another process)

    def end_unstored(self, call: Call, detail: str) -> Call:
        """The shared store stopped answering with `call` live as last seen here: end it for this process's
        listeners (tabs, history) without writing it; once the store answers again, `end_for_server` ends its
        stored copy too."""
        new = self._next(Action.SHUTDOWN, call, None, detail=detail)
        self._cancel_timer(call.id)
        self._tell(new)
        return new

    # ---- the one transition function ----
    @_retried
    def _act(self, action: Action, call_id: str, user: str | None, **changes: object) -> Call:
        return self._apply(action, self._live(call_id), user, **changes)

    def _apply(self, action: Action, call: Call, user: str | None, *, now: float | None = None, stored: bool = True,
               **changes: object) -> Call:
        """`user` (None: the server) takes `action` on `call`, as its rule allows; `now` defaults to the clock.

        `stored`: `call` is the stored snapshot (not a new call ending before it rang)."""
        new = self._next(action, call, user, now=now, **changes)
        if new is not call:
            self._publish(new, call.seq if stored else None)
        return new

    def _next(self, action: Action, call: Call, user: str | None, *, now: float | None = None,
              **changes: object) -> Call:
        """The snapshot `action` makes of `call`, or `call` itself when it changes nothing; `CallRefused` if the
        rule does not allow it."""
        rule = RULES[action]
        if not rule.actor.may_act(call, user):
            raise CallRefused('Only the people in a call can do that.')
        if not rule.in_time(call):
            raise CallRefused(_not_now(call, rule))
        now = self._clock.time() if now is None else now
        if rule.to_state is CONNECTING:
            changes['answered_at'] = now
        if rule.to_state is ENDED:
            ended_by = call.peer_of(user) if rule.by_peer and user else user
            changes.update(ended_at=now, end_reason=rule.reason, ended_by=ended_by)
        new = replace(call, state=rule.to_state, reconnecting=rule.reconnecting, **changes)
        if new == call:
            return call
        return replace(new, seq=call.seq + 1)

    def _live(self, call_id: str) -> Call:
        call = self._store.get(call_id)
        if call is None:
            raise CallRefused('That call has already ended.')
        return call

    def _publish(self, call: Call, read_seq: int | None) -> None:
        """Store a new snapshot if the stored one is still `read_seq`, replace its timer and tell everyone."""
        deadline = self._deadline(call)
        if not self._store.commit(call, read_seq, deadline):
            raise _Conflict
        self._cancel_timer(call.id)
        if deadline is not None:
            self._timers[call.id] = self._clock.call_later(deadline.due - self._clock.time(),
                                                           lambda: self._expire(deadline))
        self._tell(call)

    def _tell(self, call: Call) -> None:
        self.changed.emit(call)
        if call.state is ENDED:
            self.ended.emit(call)

    # ---- server timers: one deadline per live call, replaced on every transition ----
    def watch_timers(self) -> None:
        """With a shared store, fire every `timer_poll` s the deadlines due there, whichever process set them (so a
        call outlives the process that moved it last). Call once the clock runs (e.g. at start-up)."""
        if self._store.shared:
            self._clock.call_later(self.timer_poll, self._poll)

    def _poll(self) -> None:
        try:
            for deadline in self._store.due_deadlines(self._clock.time()):
                self._expire(deadline)
        except StoreUnavailable:
            pass  # Redis away: asked again next time
        finally:
            self._clock.call_later(self.timer_poll, self._poll)

    def _deadline(self, call: Call) -> Deadline | None:
        if call.state is RINGING:
            delay, action = call.ring_deadline - self._clock.time(), Action.RING_TIMEOUT
        elif call.state is CONNECTING:
            delay, action = self.connect_timeout, Action.CONNECT_TIMEOUT
        elif call.state is ACTIVE and call.reconnecting:
            delay, action = self.reconnect_grace, Action.GRACE_TIMEOUT
        else:
            return None
        return Deadline(call.id, call.seq, action, self._clock.time() + max(0.0, delay))

    def _expire(self, deadline: Deadline) -> None:
        self._timers.pop(deadline.call_id, None)  # a handle dropped unfired fires later and finds its deadline void
        try:
            call = self._store.get(deadline.call_id)
            if call is None or call.seq != deadline.seq:
                return  # the call moved on (here or on another process) before its deadline came
            self._apply(deadline.action, call, None)
        except _Conflict:
            pass  # another process moved it (or fired the same deadline) at the same moment
        except StoreUnavailable:
            pass  # the deadline stays in the store, for whichever process polls it once it answers

    def _cancel_timer(self, call_id: str) -> None:
        timer = self._timers.pop(call_id, None)
        if timer is not None:
            timer.cancel()


def _not_now(call: Call, rule: Rule) -> str:
    if call.state is RINGING:
        return 'The call has not been answered yet.'
    if call.state is CONNECTING and ACTIVE in rule.from_states:
        return 'The call is not connected yet.'
    if call.state in rule.from_states:  # refused for its media_flowing
        return 'The call is reconnecting.'
    return 'The call was already answered.'
