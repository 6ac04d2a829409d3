"""Where the call registry keeps its live calls: by id, and each party's live call.

`MemoryCallStore` holds them in this process (the default); `RedisCallStore` (backend/redis_call_store.py) in Redis,
shared by several processes. A transition is written with `commit`, which a shared store performs as a
compare-and-set: only if the call's stored sequence number is still the one the transition read.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .call_registry import Action, Call


@dataclass(frozen=True)
class Deadline:
    """When the server acts on a call by itself (ring, connect or grace timeout), unless the call moves first."""
    call_id: str
    seq: int  # the snapshot it was set for: once the call has moved on, it is void
    action: Action
    due: float  # the clock's time


class CallStore(Protocol):
    shared: bool  # other processes see the same calls: their deadlines are polled from the store

    def get(self, call_id: str) -> Call | None: ...
    def live_call_of(self, user: str) -> Call | None: ...
    def live_calls(self) -> list[Call]: ...

    @property
    def live_by_user(self) -> dict[str, str]: ...

    def commit(self, call: Call, read_seq: int | None, deadline: Deadline | None) -> bool:
        """Write `call` if the stored one still has `read_seq` (None: no call with its id is stored, and a live new
        call's parties are in no live call); False, writing nothing, if not. `deadline` replaces the call's one."""

    def due_deadlines(self, now: float) -> list[Deadline]:
        """The deadlines due by `now` that any process set (a shared store's; the registry asks no other)."""


class MemoryCallStore:
    """One process's calls: nothing can run between a transition's read and its write, so every commit holds, and
    the registry's own clock timers are all the deadlines there are."""
    shared = False

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}  # live calls only; ended ones go to the history
        self.live_by_user: dict[str, str] = {}

    def get(self, call_id: str) -> Call | None:
        return self.calls.get(call_id)

    def live_call_of(self, user: str) -> Call | None:
        call_id = self.live_by_user.get(user)
        return self.calls.get(call_id) if call_id else None

    def live_calls(self) -> list[Call]:
        return list(self.calls.values())

    def commit(self, call: Call, read_seq: int | None, deadline: Deadline | None) -> bool:
        """Keep a live call's newest snapshot; forget an ended call."""
        if call.live:
            self.calls[call.id] = call
            self.live_by_user[call.caller] = self.live_by_user[call.callee] = call.id
            return True
        self.calls.pop(call.id, None)
        for user in (call.caller, call.callee):
            if self.live_by_user.get(user) == call.id:  # a call ended before it rang leaves the callee's other call
                del self.live_by_user[user]
        return True
