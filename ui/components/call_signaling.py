"""How one tab's call invitations travel: the one signaling interface the call panel sees.

This class as it stands is the server's own signaling: the registry rings every open tab of the callee at once, so
each may show the banner as soon as the registry has the call. An adapter for Agora (agora_rtm_signaling.py)
subclasses it to carry the invitation through Agora as well and to feed what Agora reports back to the registry.
"""
from __future__ import annotations

from collections.abc import Callable

from backend.call_registry import Call, CallKind, CallRegistry

# The panel's registry action: (call id, registry method, its further arguments); a refusal is logged, not raised.
Act = Callable[..., None]


class CallSignaling:
    def __init__(self, calls: CallRegistry, me: str, tab: str) -> None:
        self._calls = calls
        self.me = me
        self.tab = tab
        self._act: Act = lambda *_: None
        self._show: Callable[[Call], None] = lambda _: None

    def bind(self, *, act: Act, show: Callable[[Call], None]) -> None:
        """Set by the call panel: how to act on a call, and how to show a call again once its invitation arrived
        here (a snapshot the panel has already seen, now allowed to ring)."""
        self._act = act
        self._show = show

    async def invite(self, callee: str, kind: CallKind) -> Call:
        """Ring `callee` from this tab for a video or a voice call. Raises CallRefused, in words for the caller, when
        it cannot ring."""
        return self._calls.invite(self.me, callee, self.tab, kind=kind)

    def rings_here(self, call: Call) -> bool:
        """Whether this tab may show the incoming banner of `call`, a call ringing for this user."""
        return True

    def accept(self, call_id: str) -> None:
        self._act(call_id, self._calls.accept, self.tab)

    def decline(self, call_id: str, reply: str = '') -> None:
        """Decline with the callee's reply ('': none), a reply that passed backend/decline_reply.py's check."""
        self._act(call_id, self._calls.decline, reply)

    def follow(self, call: Call, before: Call | None) -> None:
        """Each new snapshot this tab shows of its user's call (`before`: the one it showed until now)."""
