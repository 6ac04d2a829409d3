"""Limits unanswered calls, so nobody can keep someone ringing (and so busy, unable to call out) on end.

A call counts when it ends unanswered without the callee's say (cancelled, or rang out); a decline is the
callee's choice and does not count. An answer, or a call back, clears the count between those two people.
Past the budget a call is refused before it rings, with the wait in words. It watches the registry's snapshots
(`observe`), so it holds no call state of its own and needs no help from the pages but the one check before
`invite`. In Agora RTM mode, where the caller's browser says whether the callee is online, this is also what
bounds how long a caller can keep someone busy.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable

from .call_registry import CONNECTING, ENDED, RINGING, Call, EndReason
from .rate_limit import RateLimit

SAME_PERSON, SAME_PERSON_WINDOW = 5, 600.0  # unanswered calls to one person
ANYONE, ANYONE_WINDOW = 20, 600.0  # unanswered calls from one caller to anyone
UNANSWERED = frozenset({EndReason.CANCELLED, EndReason.NO_ANSWER})


class InviteLimit:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._pair = RateLimit(SAME_PERSON, SAME_PERSON_WINDOW, clock)
        self._caller = RateLimit(ANYONE, ANYONE_WINDOW, clock)

    def refusal(self, caller: str, callee: str) -> str | None:
        """Why `caller` may not call `callee` now, in words; None when the call may go ahead."""
        wait = self._pair.wait((caller, callee.lower()))
        if wait:
            return f'{callee} has not answered your last calls. You can call again in {_words(wait)}.'
        wait = self._caller.wait(caller)
        if wait:
            return f'Too many unanswered calls. You can call again in {_words(wait)}.'
        return None

    def observe(self, call: Call) -> None:
        """Count a call that ended unanswered; an answered one, or a call back, clears the count."""
        if call.state is ENDED and call.end_reason in UNANSWERED and call.answered_at is None:
            self._pair.record((call.caller, call.callee.lower()))
            self._caller.record(call.caller)
        elif call.state is CONNECTING:
            self._pair.forget((call.caller, call.callee.lower()))
        elif call.state is RINGING and call.seq == 0:
            self._pair.forget((call.callee, call.caller.lower()))  # they call back: our calls need no answer now


def _words(seconds: int) -> str:
    if seconds < 60:
        return f'{seconds} second{"" if seconds == 1 else "s"}'
    minutes = math.ceil(seconds / 60)
    return f'{minutes} minute{"" if minutes == 1 else "s"}'
