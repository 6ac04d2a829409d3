"""What losing Redis while running means for the calls of this process's tabs, and what its return means.

While Redis is away no call can be read or moved, so a call in progress could not even be hung up for sure: when
the bus loses Redis, every live call that a person with a tab here is in ends for this process at once, with a
reason they read (`LOST`), and is written to the history (the database is not Redis). When Redis is back, those
calls end in Redis too (if it kept them), and each person with a tab here has their live call read again (e.g. a
call that started ringing meanwhile), because pub/sub does not replay what a process missed.
"""
from __future__ import annotations

import logging

from .call_registry import Call, CallRegistry, StoreUnavailable
from .delivery import Delivery
from .presence import Presence
from .redis_bus import RedisBus

log = logging.getLogger(__name__)

LOST = 'the server lost its connection to Redis'  # one of the reasons people may read (ui/failure_reasons.py)


class RedisOutage:
    def __init__(self, bus: RedisBus, calls: CallRegistry, delivery: Delivery, presence: Presence) -> None:
        self._calls = calls
        self._delivery = delivery
        self._presence = presence
        self._live: dict[str, Call] = {}  # the latest snapshot delivered here of each live call
        self._ended_here: set[str] = set()  # ended for this process while Redis was away, not yet in Redis
        delivery.calls.connect(self._seen)
        bus.lost.connect(lambda _: self.lost())
        bus.back.connect(lambda _: self.back())

    def _seen(self, call: Call) -> None:
        known = self._live.get(call.id)
        if known is not None and known.seq >= call.seq:
            return
        if call.live:
            self._live[call.id] = call
        else:
            self._live.pop(call.id, None)

    def lost(self) -> None:
        here = set(self._presence.users_here())
        calls, self._live = list(self._live.values()), {}
        for call in calls:
            if call.caller in here or call.callee in here:
                self._ended_here.add(call.id)
                self._calls.end_unstored(call, LOST)

    def back(self) -> None:
        try:
            for call_id in sorted(self._ended_here):
                self._calls.end_for_server(call_id, LOST)
                self._ended_here.discard(call_id)
            for user in self._presence.users_here():
                call = self._calls.live_call_of(user)
                if call is not None:
                    self._delivery.calls.emit(call)  # to this process's listeners; a tab drops what it has seen
        except StoreUnavailable:
            log.info('Redis went again before the calls were read back: done when it is back')
