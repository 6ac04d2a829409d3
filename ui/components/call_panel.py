"""Everything about calls on one tab, drawn from the registry's latest snapshot of this user's call.

The registry decides; this panel only shows the snapshot it was sent (dropping stale ones by sequence
number) and turns clicks and browser reports into registry actions.
"""
from __future__ import annotations

import logging
import time

from nicegui import ui

from backend.call_registry import ACTIVE, CONNECTING, RINGING, Call, CallRefused
from backend.services import Services

from ..call_words import ANSWERED_ELSEWHERE, end_notice
from ..live_updates import LiveUpdates
from ..testids import hook
from .call_sounds import CallSounds
from .call_view import CallView
from .ringing_cards import elsewhere_card, incoming_banner, outgoing_panel

log = logging.getLogger(__name__)


def view_kind(call: Call | None, me: str, tab: str) -> str:
    """`idle`, `outgoing`, `incoming`, `in_call` (this tab holds the media) or `elsewhere` (another tab does)."""
    if call is None or not call.live:
        return 'idle'
    if call.state is RINGING:
        return 'outgoing' if me == call.caller else 'incoming'
    return 'in_call' if call.tab_of(me) == tab else 'elsewhere'


class CallPanel:
    def __init__(self, services: Services, live: LiveUpdates, me: str, tab: str) -> None:
        self._calls = services.calls
        self._live = live
        self._ice_servers = list(services.settings.ice_servers)
        self.me = me
        self.tab = tab
        self._call: Call | None = None
        self._kind = 'idle'
        self._countdown: ui.label | None = None
        self._view: CallView | None = None
        self._sound_chip = ui.chip('Sound is off: click anywhere to turn it on', icon='volume_off',
                                   color='grey-3').props('dense').classes('self-center')
        self._sound_chip.set_visibility(False)
        self._notice = hook(ui.label(), 'call-notice').classes('self-center text-base font-medium text-grey-9 '
                                                             'bg-amber-1 rounded px-3 py-1')
        self._notice.set_visibility(False)
        self._area = ui.column().classes('w-full')
        self._sounds = CallSounds(on_audio_locked=self._sound_chip.set_visibility)
        self._timer = ui.timer(1.0, self._tick, active=False)
        live.calls_of(me).subscribe(self._show)
        live.signals_of(me).subscribe(self._receive_signal)
        current = services.calls.live_call_of(me)
        if current is not None:  # opened or reloaded mid-call: ring with the time that is left
            self._show(current)

    # ---- actions from this tab ----
    def call(self, user: str) -> None:
        self._act(lambda: self._calls.invite(self.me, user, self.tab))

    def _act(self, action) -> None:
        try:
            action()
        except CallRefused as refusal:
            self._say(str(refusal))

    def _on_call_id(self, method, *args) -> None:
        """Apply a registry action to the call on screen; a call that already moved on needs no message."""
        if self._call is not None:
            try:
                method(self._call.id, self.me, *args)
            except CallRefused as refusal:
                log.info('%s: %s', self.me, refusal)

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
        kind = view_kind(call, self.me, self.tab)
        if kind != self._kind:
            self._rebuild(kind)
        elif self._view is not None:
            self._view.update(call)
        if not call.live:
            self._say(end_notice(call, self.me))
        elif kind == 'elsewhere' and self.me == call.callee:
            self._say(ANSWERED_ELSEWHERE)
        elif kind != 'elsewhere':
            self._say('')
        self._tick()

    def _rebuild(self, kind: str) -> None:
        self._kind = kind
        self._area.clear()
        self._countdown = self._view = None
        call = self._call
        with self._area:
            if kind == 'incoming':
                self._countdown = incoming_banner(call.caller, on_accept=self._accept,
                                                  on_decline=lambda: self._on_call_id(self._calls.decline))
                self._sounds.alert(f'📞 {call.caller} is calling', 'Open ringboard to answer')
            elif kind == 'outgoing':
                self._countdown = outgoing_panel(call.callee, on_cancel=lambda: self._on_call_id(self._calls.cancel))
            elif kind == 'in_call':
                self._view = CallView(call, self.me, ice_servers=self._ice_servers,
                                      on_hang_up=lambda: self._on_call_id(self._calls.hang_up),
                                      on_signal=self._send_signal,
                                      on_connected=self._media_connected,
                                      on_lost=lambda: self._on_call_id(self._calls.media_lost),
                                      on_failed=lambda reason: self._on_call_id(self._calls.media_failed, reason),
                                      on_media_state=lambda state: self._send_signal({'media': state}))
            elif kind == 'elsewhere':
                elsewhere_card(f'In a call with {call.peer_of(self.me)} in another tab',
                               on_hang_up=lambda: self._on_call_id(self._calls.hang_up))
        if kind != 'incoming':
            self._sounds.stop_alert()
        ringing_here = kind == 'incoming' or (kind == 'outgoing' and call.caller_tab == self.tab)
        self._sounds.play('ringtone' if kind == 'incoming' else 'ringback' if ringing_here else 'none')
        self._sounds.guard(ringing_here or kind == 'in_call')
        self._timer.active = kind in {'incoming', 'outgoing', 'in_call'}

    def _accept(self) -> None:
        self._on_call_id(lambda call_id, me: self._calls.accept(call_id, me, self.tab))

    def _tick(self) -> None:
        call = self._call
        if call is None:
            return
        if self._countdown is not None and call.state is RINGING:
            left = max(0, round(call.ring_deadline - time.time()))
            self._countdown.set_text(f'Rings for {left} more seconds')
        if self._view is not None:
            self._view.tick()

    def _say(self, text: str) -> None:
        self._notice.set_text(text)
        self._notice.set_visibility(bool(text))

    # ---- media ----
    def _media_connected(self) -> None:
        self._on_call_id(self._calls.media_connected)
        if self._view is not None:  # the peer's view may be newer than our last toggle
            self._send_signal({'media': dict(self._view.sending)})

    def _send_signal(self, signal: dict) -> None:
        if self._call is not None and self._kind == 'in_call':
            self._live.relay_signal(self._call.id, self.me, signal)

    def _receive_signal(self, call_id: str, sender: str, signal: dict) -> None:
        call = self._call
        if call is None or call.id != call_id or self._view is None or call.state not in {CONNECTING, ACTIVE}:
            if self._kind != 'elsewhere':
                log.warning('%s dropped a signal from %s for call %s: not on this tab', self.me, sender, call_id)
            return
        if 'media' in signal:
            self._view.show_peer_media(signal['media'])
        else:
            self._view.media.deliver(signal)
