"""Where the call registry keeps its live calls: by id, and each party's live call. In this process's memory."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .call_registry import Call


class CallStore:
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

    def save(self, call: Call) -> None:
        """Keep a live call's newest snapshot; forget an ended call."""
        if call.live:
            self.calls[call.id] = call
            self.live_by_user[call.caller] = self.live_by_user[call.callee] = call.id
            return
        self.calls.pop(call.id, None)
        for user in (call.caller, call.callee):
            if self.live_by_user.get(user) == call.id:  # a call ended before it rang leaves the callee's other call
                del self.live_by_user[user]
