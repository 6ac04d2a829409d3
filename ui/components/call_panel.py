"""Everything about calls on one tab, drawn from the registry's latest snapshot of this user's call.

The registry decides; this panel only shows the snapshot it was sent (dropping stale ones by sequence
number) and turns clicks and browser reports into registry actions. In Agora RTM mode the invitation
also travels through Agora: the callee's banner waits for Agora to deliver it, and what Agora reports
(refusals, failures) is fed back into the registry.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from nicegui import ui

from backend.call_registry import ACTIVE, CONNECTING, ENDED, RINGING, Call, CallRefused
from backend.services import Services

from ..agora_sdk import RTC_SDK, sdk_base
from ..call_words import ANSWERED_ELSEWHERE, end_notice
from ..component_preload import preload_components
from ..live_updates import LiveUpdates
from ..testids import hook
from .agora_rtc_call import AgoraRtcCall
from .agora_signaling import AgoraSignaling
from .call_sounds import CallSounds
from .call_stage import CallStage
from .call_view import CallMedia, CallView
from .ringing_cards import RingingCard, elsewhere_card, incoming_banner, outgoing_panel
from .webrtc_call import WebRtcCall

log = logging.getLogger(__name__)


def view_kind(call: Call | None, me: str, tab: str) -> str:
    """`idle`, `outgoing`, `incoming`, `in_call` (this tab holds the media) or `elsewhere` (another tab does)."""
    if call is None or not call.live:
        return 'idle'
    if call.state is RINGING:
        return 'outgoing' if me == call.caller else 'incoming'
    return 'in_call' if call.tab_of(me) == tab else 'elsewhere'


class CallPanel:
    def __init__(self, services: Services, live: LiveUpdates, me: str, tab: str,
                 signaling: AgoraSignaling | None = None) -> None:
        self._services = services
        self._calls = services.calls
        self._live = live
        self.me = me
        self.tab = tab
        self._signaling = signaling
        self._delivered: set[str] = set()  # RTM mode: calls whose invitation Agora delivered to this tab
        self._call: Call | None = None
        self._kind = 'idle'
        self._ringing: RingingCard | None = None
        self._view: CallView | None = None
        self._media: WebRtcCall | AgoraRtcCall | None = None  # outside the area: the caller's outlives the ringing
        self._held_signals: list[dict] = []  # the caller's offer, made while it rings, until the callee answers
        self._sound_chip = ui.chip('Sound is off: click anywhere to turn it on', icon='volume_off',
                                   color='grey-3').props('dense').classes('self-center')
        self._sound_chip.set_visibility(False)
        self._notice = hook(ui.label(), 'call-notice').classes('self-center text-base font-medium text-grey-9 '
                                                             'bg-amber-1 rounded px-3 py-1')
        self._notice.set_visibility(False)
        self._area = ui.column().classes('w-full')
        self._media_area = ui.element()
        self._sounds = CallSounds(on_audio_locked=self._sound_chip.set_visibility)
        # On a tab's first ring and first accept its people would wait for these to be fetched: fetch them now.
        preload_components(RingingCard, CallStage, self._media_class)
        live.calls_of(me).subscribe(self._show)
        live.signals_of(me).subscribe(self._receive_signal)
        if signaling is not None:
            signaling.on_invitation = self._invitation_delivered
            signaling.on_invitation_event = self._invitation_event
        current = services.calls.live_call_of(me)
        if current is not None:  # opened or reloaded mid-call: ring with the time that is left
            self._show(current)

    # ---- actions from this tab ----
    async def call(self, user: str) -> None:
        if self._signaling is not None and not self._signaling.connected:
            self._say('Calls cannot ring while Agora signaling is disconnected: see the message above.')
            return
        if refusal := self._services.invite_limit.refusal(self.me, user):  # e.g. ringing someone on end
            self._say(refusal)
            return
        online = await self._signaling.is_online(user) if self._signaling else None
        try:
            call = self._calls.invite(self.me, user, self.tab, callee_online=online)
        except CallRefused as refusal:
            self._say(str(refusal))
            return
        if self._signaling is not None and call.state is RINGING:
            self._signaling.invite(call.callee, call.id, call.channel)
        elif self._signaling is not None and call.id in self._delivered:  # glare: we answered their invitation
            self._signaling.accept(call.id)

    def _act(self, method: Callable, *args) -> None:
        """Apply a registry action to the call on screen; a call that already moved on needs no message."""
        if self._call is not None:
            try:
                method(self._call.id, self.me, *args)
            except CallRefused as refusal:
                log.info('%s: %s', self.me, refusal)

    # Agora hears first: the registry's answer ends the tab's hold on the RTM invitation.
    def _accept(self) -> None:
        if self._signaling is not None and self._call is not None:
            self._signaling.accept(self._call.id)
        self._act(lambda call_id, me: self._calls.accept(call_id, me, self.tab))

    def _decline(self) -> None:
        if self._signaling is not None and self._call is not None:
            self._signaling.refuse(self._call.id, 'declined')
        self._act(self._calls.decline)

    # ---- showing snapshots ----
    def _show(self, call: Call) -> None:
        current = self._call
        if current is not None and call.id == current.id and call.seq <= current.seq:
            return  # stale or repeated
        if current is not None and current.live and call.id != current.id:
            if not call.live:  # news of another attempt (e.g. someone found us busy) must not end this call's view
                self._say(end_notice(call, self.me))
            return
        self._call = call
        if call.state is ENDED and self._signaling is not None:
            self._end_invitation(call, was_ringing=current is not None and current.state is RINGING)
        kind = view_kind(call, self.me, self.tab)
        if kind == 'incoming' and self._signaling is not None and call.id not in self._delivered:
            kind = 'idle'  # Agora has not delivered the invitation to this tab (yet)
        media_here = self._media_here(call, kind)
        if kind != self._kind or media_here != (self._media is not None):
            self._rebuild(kind, media_here)
        elif self._view is not None:
            self._view.show(call)
        if not call.live:
            self._say(end_notice(call, self.me))
        elif kind == 'elsewhere' and self.me == call.callee:
            self._say(ANSWERED_ELSEWHERE)
        elif kind != 'elsewhere':
            self._say('')
        self._tick()

    def _rebuild(self, kind: str, media_here: bool) -> None:
        self._kind = kind
        self._area.clear()
        self._ringing = self._view = None
        call = self._call
        if not media_here:
            self._drop_media()
        with self._area:
            if kind == 'incoming':
                self._ringing = incoming_banner(call.caller, on_accept=self._accept, on_decline=self._decline)
                self._sounds.alert(f'📞 {call.caller} is calling', f'Open {self._services.settings.app_name} to answer')
            elif kind == 'outgoing':
                self._ringing = outgoing_panel(call.callee, on_cancel=lambda: self._act(self._calls.cancel),
                                               preview=media_here)
                if media_here:
                    self._attach_media(self._ringing.preview_id, '')
            elif kind == 'in_call':
                self._view = CallView(call, self.me, video_tag=self._media_class.VIDEO_TAG,
                                      media_for=self._attach_media, on_hang_up=lambda: self._act(self._calls.hang_up),
                                      on_media_state=self._send_media_state)
                if self._held_signals:
                    # Not now: the registry tells the caller's tabs of the answer first, and the callee's tab takes
                    # signals only once it shows the call. Soon: the offer is what the callee's browser waits for.
                    asyncio.get_running_loop().call_soon(self._release_held_signals)
            elif kind == 'elsewhere':
                elsewhere_card(f'In a call with {call.peer_of(self.me)} in another tab',
                               on_hang_up=lambda: self._act(self._calls.hang_up))
            if kind in {'incoming', 'outgoing', 'in_call'}:
                ui.timer(1.0, self._tick)  # deleted with the area: an idle tab has no timer waking it
        if kind != 'incoming':
            self._sounds.stop_alert()
        ringing_here = kind == 'incoming' or (kind == 'outgoing' and call.caller_tab == self.tab)
        self._sounds.play('ringtone' if kind == 'incoming' else 'ringback' if ringing_here else 'none')
        self._sounds.guard(ringing_here or kind == 'in_call')

    def _tick(self) -> None:
        call = self._call
        if call is None:
            return
        if self._ringing is not None and call.state is RINGING:
            left = max(0, round(call.ring_deadline - time.time()))
            self._ringing.show_countdown(f'Rings for {left} more seconds')
        if self._view is not None:
            self._view.tick()

    def _say(self, text: str) -> None:
        self._notice.set_text(text)
        self._notice.set_visibility(bool(text))

    # ---- media ----
    @property
    def _media_class(self) -> type[WebRtcCall] | type[AgoraRtcCall]:
        return WebRtcCall if self._services.settings.mode == 'embedded' else AgoraRtcCall

    def _media_here(self, call: Call, kind: str) -> bool:
        """This tab runs the call's camera and connection: in the call and, with WebRTC, already while it rings as
        the calling tab (the caller sees their camera, and the offer is ready when the callee answers). Agora's
        media needs a token, which exists only once the call is answered."""
        if kind == 'in_call':
            return True
        return kind == 'outgoing' and call.caller_tab == self.tab and self._media_class is WebRtcCall

    def _attach_media(self, local: str, remote: str) -> CallMedia:
        """The media, playing into these video elements (started now, or moved from the ringing panel)."""
        if self._media is None:
            with self._media_area:
                self._media = self._make_media(local, remote)
        else:
            self._media.show_in(local, remote)
        return self._media

    def _drop_media(self) -> None:
        if self._media is not None:
            self._media.delete()  # the browser side stops the camera and closes the connection
            self._media = None
        self._held_signals.clear()

    def _make_media(self, local: str, remote: str) -> CallMedia:
        common = {'local_video_id': local, 'remote_video_id': remote, 'on_connected': self._media_connected,
                  'on_lost': lambda: self._act(self._calls.media_lost),
                  'on_failed': lambda reason: self._act(self._calls.media_failed, reason)}
        settings = self._services.settings
        if self._media_class is WebRtcCall:
            return WebRtcCall(ice_servers=list(settings.ice_servers), polite=self.me == self._call.callee,
                              on_signal=self._send_signal, **common)
        return AgoraRtcCall(sdk_url=f'{sdk_base(settings)}/{RTC_SDK}',
                            grant=lambda call_id=self._call.id: self._services.agora.rtc(call_id, self.me),
                            on_connect_failed=lambda reason: self._act(self._calls.connect_failed, reason),
                            on_peer_left=lambda reason: self._act(self._calls.peer_left, reason),
                            on_peer_media=lambda kind, on: self._view and self._view.show_peer_media(kind, on),
                            on_quality=lambda up, down: self._view and self._view.show_quality(max(up, down)),
                            **common)

    def _media_connected(self) -> None:
        self._act(self._calls.media_connected)
        if self._view is not None:  # the peer's view may be newer than our last toggle
            self._send_media_state(dict(self._view.sending))

    def _send_media_state(self, state: dict) -> None:
        if self._services.settings.mode == 'embedded':  # Agora RTC tells the peer itself (user-unpublished)
            self._send_signal({'media': state})

    def _send_signal(self, signal: dict) -> None:
        if self._call is None:
            return
        if signal.get('complete'):  # the held offer, now with every candidate in it
            if self._kind == 'outgoing':
                self._held_signals = [signal]
            return
        if self._kind == 'outgoing' or self._held_signals:  # nothing before the answer; then in order
            self._held_signals.append(signal)
        elif self._kind == 'in_call':
            self._live.relay_signal(self._call.id, self.me, signal)

    def _release_held_signals(self) -> None:
        signals, self._held_signals = self._held_signals, []
        if self._call is not None and self._kind == 'in_call':
            for signal in signals:
                self._live.relay_signal(self._call.id, self.me, signal)

    def _receive_signal(self, call_id: str, sender: str, signal: dict) -> None:
        call = self._call
        if call is None or call.id != call_id or self._view is None or call.state not in {CONNECTING, ACTIVE}:
            if self._kind != 'elsewhere':
                log.warning('%s dropped a signal from %s for call %s: not on this tab', self.me, sender, call_id)
            return
        if 'media' in signal:
            for kind, on in signal['media'].items():
                self._view.show_peer_media(kind, bool(on))
        else:
            self._media.deliver(signal)

    # ---- Agora RTM invitations ----
    def _invitation_delivered(self, call_id: str, caller: str, channel: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.callee != self.me or call.caller != caller or call.channel != channel:
            log.warning('%s refused an invitation from %s for call %s: no such call', self.me, caller, call_id)
            self._signaling.refuse(call_id, 'unknown call')
            return
        mine = self._calls.live_call_of(self.me)
        if mine is not None and mine.id != call_id:
            self._signaling.refuse(call_id, 'busy')
            self._act_on(call_id, self._calls.refused_busy)
            return
        self._delivered.add(call_id)
        if self._call is not None and self._call.id == call_id:
            self._call = None  # show the same snapshot again, now that the invitation is here
        self._show(call)

    def _invitation_event(self, call_id: str, side: str, event: str, detail: str) -> None:
        if event != 'Failure':
            return  # accepted, refused and cancelled are reported to the registry by the page that acted
        if side == 'local':
            action = {'PEER_OFFLINE': self._calls.peer_offline, 'PEER_NO_RESPONSE': self._calls.no_response,
                      'INVITATION_EXPIRE': self._calls.no_response}.get(detail)
            if action is None:
                self._act_on(call_id, self._calls.signaling_failed, f'Agora signaling failed ({detail})')
            else:
                self._act_on(call_id, action)
        elif detail == 'ACCEPT_FAILURE':
            self._act_on(call_id, self._calls.connect_failed, 'Agora signaling could not confirm the answer')

    def _act_on(self, call_id: str, method: Callable, *args) -> None:
        try:
            method(call_id, self.me, *args)
        except CallRefused as refusal:
            log.info('%s: %s', self.me, refusal)

    def _end_invitation(self, call: Call, was_ringing: bool) -> None:
        """A call ended: withdraw its Agora invitation if it is still out there."""
        if was_ringing and call.caller == self.me and call.caller_tab == self.tab:
            self._signaling.cancel(call.id)
        else:
            self._signaling.forget(call.id)
        self._delivered.discard(call.id)
