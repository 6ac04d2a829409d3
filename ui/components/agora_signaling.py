"""Call invitations through Agora Signaling 2.x in CallAPI's messages: a ringboard user can call, and be called by,
a CallAPI app (Agora's 1:1 calling kit) in the same Agora project, and ringboard tabs speak the same to each other.

The registry still decides; backend/callapi_calls.py says what each message means. This tab sends what its user's
calls need CallAPI to hear (invitation, answer, the end) while it holds the user's Agora session; a failed
invitation (the callee is not online) ends the call as offline at once. Every open tab of the callee rings, as the
server rings them.
"""
from __future__ import annotations

import logging
import time

from nicegui import background_tasks

from backend.call_registry import CONNECTING, ENDED, RINGING, Call, CallKind, CallRefused, CallRegistry
from backend.callapi_calls import CallApiCalls
from backend.callapi_message import CallMessage, encode

from .agora_signaling_session import AgoraSignalingSession
from .call_signaling import CallSignaling

log = logging.getLogger(__name__)


class AgoraSignaling(CallSignaling):
    def __init__(self, session: AgoraSignalingSession, callapi: CallApiCalls, calls: CallRegistry, me: str,
                 tab: str) -> None:
        super().__init__(calls, me, tab)
        self._session = session
        self._callapi = callapi
        self._told: set[tuple[str, str]] = set()  # (call id, what) this tab already sent
        session.on_message = self._received

    async def invite(self, callee: str, kind: CallKind) -> Call:
        if not self._session.connected:
            raise CallRefused('Calls cannot ring while Agora signaling is disconnected: see the message above.')
        # Agora says offline: the publish fails
        return self._calls.invite(self.me, callee, self.tab, callee_online=True, kind=kind)

    def follow(self, call: Call, before: Call | None) -> None:
        """Tell the peer what they need to hear of this snapshot (only the tab holding the session speaks)."""
        if not self._session.connected:
            return
        was_ringing = before is not None and before.id == call.id and before.state is RINGING
        if call.state is RINGING and call.seq == 0 and call.caller_tab == self.tab:  # placed here, just now
            self._tell(call, 'invitation', self._callapi.invitation(call))
        elif call.state is CONNECTING and was_ringing and call.callee == self.me:
            self._tell(call, 'answer', self._callapi.answer(call, self.me))
        elif call.state is ENDED:
            self._tell(call, 'farewell', self._callapi.farewell(call, self.me))

    def _received(self, publisher: str, text: object) -> None:
        call = self._callapi.received(self.me, text if isinstance(text, str) else '', publisher)
        if call is not None and call.state is ENDED and call.callee == self.me:
            # A call that found this user busy never shows here (the panel keeps showing the live one): refuse it.
            self._tell(call, 'farewell', self._callapi.farewell(call, self.me))
        elif call is not None and call.state is CONNECTING and self._callapi.crossed(call):
            self._tell(call, 'answer', self._callapi.answer(call, self.me))  # glare: the peer waits for an Accept

    def _tell(self, call: Call, what: str, message: CallMessage | None) -> None:
        if message is None or (call.id, what) in self._told:
            return
        self._told.add((call.id, what))
        background_tasks.create(self._send(call, what, message), name=f'callapi {what}')

    async def _send(self, call: Call, what: str, message: CallMessage) -> None:
        problem = await self._session.send(str(message.remote_user), encode(message, int(time.time() * 1000)))
        if problem is None:
            return
        log.warning('%s could not send the CallAPI %s of call %s: %s', self.me, what, call.id, problem)
        if what == 'invitation':  # the callee's user channel is not there: not online
            self._act(call.id, self._calls.peer_offline)
