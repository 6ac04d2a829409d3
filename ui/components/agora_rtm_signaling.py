"""Call invitations through Agora RTM 1.x, as in the Agora tutorial: the server's signaling, carried by Agora too.

The registry still decides. The callee's banner waits for Agora to deliver the invitation to the tab; answers,
refusals and cancels travel back through Agora; what Agora reports (offline, no response, failures) is fed back
into the registry.
"""
from __future__ import annotations

import logging

from backend.call_registry import ENDED, RINGING, Call, CallKind, CallRefused, CallRegistry, StoreUnavailable

from .agora_rtm_session import AgoraRtmSession
from .call_signaling import CallSignaling

log = logging.getLogger(__name__)


class AgoraRtmSignaling(CallSignaling):
    def __init__(self, session: AgoraRtmSession, calls: CallRegistry, me: str, tab: str) -> None:
        super().__init__(calls, me, tab)
        self._session = session
        self._delivered: set[str] = set()  # calls whose invitation Agora delivered to this tab
        session.on_invitation = self._invitation_delivered
        session.on_invitation_event = self._invitation_event

    async def invite(self, callee: str, kind: CallKind) -> Call:
        if not self._session.connected:
            raise CallRefused('Calls cannot ring while Agora signaling is disconnected: see the message above.')
        online = await self._session.is_online(callee)
        call = self._calls.invite(self.me, callee, self.tab, callee_online=online, kind=kind)
        if call.state is RINGING:
            self._session.invite(call.callee, call.id, call.channel, call.kind)
        elif call.id in self._delivered:  # glare: we answered their invitation
            self._session.accept(call.id)
        return call

    def rings_here(self, call: Call) -> bool:
        return call.id in self._delivered

    # Agora hears first: the registry's answer ends the tab's hold on the RTM invitation.
    def accept(self, call_id: str) -> None:
        self._session.accept(call_id)
        super().accept(call_id)

    def decline(self, call_id: str, reply: str = '') -> None:
        self._session.refuse(call_id, reply or 'declined')  # the reply travels as the invitation's response
        super().decline(call_id, reply)

    def follow(self, call: Call, before: Call | None) -> None:
        """A call that ended: withdraw its Agora invitation if it is still out there."""
        if call.state is not ENDED:
            return
        was_ringing = before is not None and before.state is RINGING
        if was_ringing and call.caller == self.me and call.caller_tab == self.tab:
            self._session.cancel(call.id)
        else:
            self._session.forget(call.id)
        self._delivered.discard(call.id)

    def _invitation_delivered(self, call_id: str, caller: str, channel: str, kind: str) -> None:
        try:
            self._check_invitation(call_id, caller, channel, kind)
        except StoreUnavailable:  # Redis lost: no call can ring here until it is back (the page says so)
            log.warning('%s refused an invitation from %s for call %s: the server lost Redis', self.me, caller, call_id)
            self._session.refuse(call_id, 'reconnecting')

    def _check_invitation(self, call_id: str, caller: str, channel: str, kind: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.callee != self.me or call.caller != caller or call.channel != channel \
                or call.kind != kind:
            log.warning('%s refused an invitation from %s for call %s: no such call', self.me, caller, call_id)
            self._session.refuse(call_id, 'unknown call')
            return
        mine = self._calls.live_call_of(self.me)
        if mine is not None and mine.id != call_id:
            self._session.refuse(call_id, 'busy')
            self._act(call_id, self._calls.refused_busy)
            return
        self._delivered.add(call_id)
        self._show(call)

    def _invitation_event(self, call_id: str, side: str, event: str, detail: str) -> None:
        if event != 'Failure':
            return  # accepted, refused and cancelled are reported to the registry by the page that acted
        if side == 'local':
            action = {'PEER_OFFLINE': self._calls.peer_offline, 'PEER_NO_RESPONSE': self._calls.no_response,
                      'INVITATION_EXPIRE': self._calls.no_response}.get(detail)
            if action is None:
                self._act(call_id, self._calls.signaling_failed, f'Agora signaling failed ({detail})')
            else:
                self._act(call_id, action)
        elif detail == 'ACCEPT_FAILURE':
            self._act(call_id, self._calls.connect_failed, 'Agora signaling could not confirm the answer')
