"""Everything about calls on one tab, drawn from the registry's latest snapshot of this user's call.

The registry decides; this panel only shows the snapshot it was sent (dropping stale ones by sequence
number) and turns clicks and browser reports into registry actions. How invitations travel is the signaling's
(call_signaling.py: the server's, or Agora's); the camera and connection are the tab's media (tab_media.py).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from backend.call_registry import RINGING, VIDEO, Call, CallKind, CallRefused, StoreUnavailable
from backend.services import Services

from ..call_words import ANSWERED_ELSEWHERE, end_notice
from ..failure_reasons import shown_reason
from ..live_updates import LiveUpdates
from ..testids import hook
from .call_media_element import CallMediaElement
from .call_signaling import CallSignaling
from .call_sounds import CallSounds
from .call_stage import CallStage
from .call_view import CallView
from .component_preload import preload_components
from .person_avatar import avatar_of
from .ringing_cards import RingingCard, elsewhere_card, elsewhere_words, incoming_banner, outgoing_panel
from .tab_media import TabMedia

log = logging.getLogger(__name__)


def view_kind(call: Call | None, me: str, tab: str) -> str:
    """`idle`, `outgoing`, `incoming`, `in_call` (this tab holds the media) or `elsewhere` (another tab does)."""
    if call is None or not call.live:
        return 'idle'
    if call.state is RINGING:
        return 'outgoing' if me == call.caller else 'incoming'
    return 'in_call' if call.tab_of(me) == tab else 'elsewhere'


class CallPanel:
    def __init__(self, services: Services, live: LiveUpdates, me: str, tab: str, signaling: CallSignaling) -> None:
        self._services = services
        self._calls = services.calls
        self._live = live
        self.me = me
        self.tab = tab
        self._signaling = signaling
        self._call: Call | None = None
        self._kind = 'idle'
        self._ringing: RingingCard | None = None
        self._view: CallView | None = None
        self._elsewhere: ui.label | None = None  # the words of a call held by another of this user's tabs
        self._sound_chip = ui.chip('Sound is off: click anywhere to turn it on', icon='volume_off',
                                   color='grey-3').props('dense').classes('self-center')
        self._sound_chip.set_visibility(False)
        self._notice = hook(ui.label(), 'call-notice').classes('self-center text-base font-medium text-grey-9 '
                                                             'bg-amber-1 rounded px-3 py-1')
        self._notice.props['role'] = 'status'  # a polite live region: a screen reader reads each new line
        with self._notice:  # a decline's reply, after the words of the notice: shown as text, never as HTML
            self._reason = hook(TextElement(tag='span', text=''), 'decline-reason').classes('italic')
        self._notice.set_visibility(False)
        self._area = ui.column().classes('w-full')
        self._media = TabMedia(services, me, tab, act=self._act, send=self._relay,
                               on_peer_media=lambda kind, on: self._view and self._view.show_peer_media(kind, on),
                               on_quality=lambda level: self._view and self._view.show_quality(level),
                               on_stats=lambda sample: self._view and self._view.show_stats(sample),
                               on_camera_failed=self._camera_failed, on_screen=self._screen_reported)
        self._shared_at: int | None = None  # the snapshot (seq) that first showed this tab's screen, while shown
        self._sounds = CallSounds(on_audio_locked=self._sound_chip.set_visibility)
        # On a tab's first ring and first accept its people would wait for these to be fetched: fetch them now.
        preload_components(RingingCard, CallStage, self._media.element_class)
        live.calls_of(me).subscribe(self._show)
        live.signals_of(me).subscribe(self._receive_signal)
        live.renamed.subscribe(self._show_names)
        signaling.bind(act=self._act, show=self._show_again)
        try:
            current = services.calls.live_call_of(me)
        except StoreUnavailable:  # Redis lost: the page says so, and reads the call again once it is back
            current = None
        if current is not None:  # opened or reloaded mid-call: ring with the time that is left
            self._show(current)

    # ---- actions from this tab ----
    async def call(self, user: str, kind: CallKind = VIDEO) -> None:
        if refusal := self._services.invite_limit.refusal(self.me, user):  # e.g. ringing someone on end
            self._say(refusal)
            return
        try:
            await self._signaling.invite(user, kind)
        except CallRefused as refusal:
            self._say(str(refusal))

    def _act(self, call_id: str, method: Callable[..., Call], *args) -> None:
        """Apply a registry action to a call; a call that already moved on needs no message."""
        try:
            method(call_id, self.me, *args)
        except CallRefused as refusal:
            log.info('%s: %s', self.me, refusal)

    # ---- showing snapshots ----
    def _show(self, call: Call) -> None:
        current = self._call
        if current is not None and call.id == current.id and call.seq <= current.seq:
            return  # stale or repeated
        if current is not None and current.live and call.id != current.id:
            if not call.live:  # news of another attempt (e.g. someone found us busy) must not end this call's view
                self._say(end_notice(call, self.me, self._services.directory.label(call.peer_of(self.me))),
                          call.reply)
            return
        self._call = call
        self._signaling.follow(call, current)
        self._media.follow(call)
        kind = view_kind(call, self.me, self.tab)
        if kind == 'incoming' and not self._signaling.rings_here(call):
            kind = 'idle'  # the invitation has not reached this tab (yet)
        media_here = self._media.wanted(call, kind)
        if kind != self._kind or media_here != (self._media.element is not None):
            self._rebuild(kind, media_here)
        elif self._view is not None:
            self._view.show(call)
        if not call.live:
            self._say(end_notice(call, self.me, self._services.directory.label(call.peer_of(self.me))), call.reply)
        elif kind == 'elsewhere' and self.me == call.callee:
            self._say(ANSWERED_ELSEWHERE)
        elif kind != 'elsewhere':
            self._say('')
        if self._view is not None:
            self._follow_sharing(current, call)
        self._tick()

    def _show_again(self, call: Call) -> None:
        """Show a snapshot already seen, now that its invitation reached this tab."""
        if self._call is not None and self._call.id == call.id:
            self._call = None
        self._show(call)

    def _rebuild(self, kind: str, media_here: bool) -> None:
        self._kind = kind
        self._area.clear()
        self._ringing = self._view = self._elsewhere = None
        self._shared_at = None
        call = self._call
        if not media_here:
            self._media.stop()
        peer = self._services.directory.label(call.peer_of(self.me))  # the display name
        avatar = avatar_of(call.peer_of(self.me), peer)
        with self._area:
            if kind == 'incoming':
                self._ringing = incoming_banner(peer, call.kind,
                                                on_accept=None if media_here else lambda: self._accept(call),
                                                on_decline=lambda reply: self._signaling.decline(call.id, reply),
                                                avatar=avatar)
                voice = ' (voice call)' if call.kind is CallKind.VOICE else ''  # a video call is what people expect
                self._sounds.alert(f'📞 {peer} is calling{voice}',
                                   f'Open {self._services.settings.app_name} to answer')
                if media_here:  # instant answer: connected while it rings, shown only from the accept click on
                    media = self._media.play_in(call, '', self._ringing.reveal_id)
                    self._ringing.accept_button.on('click', lambda: self._accept(call), js_handler=media.accept_js)
            elif kind == 'outgoing':
                self._ringing = outgoing_panel(peer, call.kind,
                                               on_cancel=lambda: self._act(call.id, self._calls.cancel),
                                               avatar=avatar,
                                               preview=media_here and self._media.previews and call.kind is VIDEO)
                if media_here:
                    self._media.play_in(call, self._ringing.preview_id, self._ringing.reveal_id)
            elif kind == 'in_call':
                self._view = CallView(call, self.me, peer, video_tag=self._media.element_class.VIDEO_TAG,
                                      media_for=lambda *videos: self._media.play_in(call, *videos),
                                      on_hang_up=lambda: self._act(call.id, self._calls.hang_up), say=self._say)
                self._media.element.answered()
            elif kind == 'elsewhere':
                self._elsewhere = elsewhere_card(peer, on_hang_up=lambda: self._act(call.id, self._calls.hang_up))
            if kind in {'incoming', 'outgoing', 'in_call'}:
                ui.timer(1.0, self._tick)  # deleted with the area: an idle tab has no timer waking it
        if kind != 'incoming':
            self._sounds.stop_alert()
        ringing_here = kind == 'incoming' or (kind == 'outgoing' and call.caller_tab == self.tab)
        self._sounds.play('ringtone' if kind == 'incoming' else 'ringback' if ringing_here else 'none')
        self._sounds.guard(ringing_here or kind == 'in_call')

    def _show_names(self, users: list[str]) -> None:
        """Display names changed (directory.rename): the other person's new one where this tab shows them, in place,
        so a ringing card or call view keeps playing their media."""
        call = self._call
        if call is None or call.peer_of(self.me) not in users:
            return
        peer = self._services.directory.label(call.peer_of(self.me))
        avatar = avatar_of(call.peer_of(self.me), peer)
        if self._ringing is not None:
            self._ringing.show_peer(peer, avatar)
        if self._view is not None:
            self._view.show_peer(peer, avatar)
        if self._elsewhere is not None:
            self._elsewhere.set_text(elsewhere_words(peer))

    def _accept(self, call: Call) -> None:
        self._signaling.accept(call.id)
        # The click already showed the caller and opened the camera in the browser. A refusal that ended the call
        # or gave it to another tab undoes that with the snapshot saying so; one that leaves it ringing here does
        # not: this tab's media starts anew, as it rings.
        try:
            now = self._calls.get(call.id)
        except StoreUnavailable:
            now = None
        if now is not None and now.state is RINGING and self._kind == 'incoming' and self._call is not None \
                and self._call.id == call.id:
            self._media.stop()
            self._rebuild('incoming', self._media.wanted(now, 'incoming'))

    def _camera_failed(self, reason: str) -> None:
        if self._view is not None:
            self._view.camera_off()
        shown = shown_reason(reason)  # the browser's words: only the fixed ones are shown
        self._say(f'Your camera could not be turned on{": " + shown if shown else ""}. The call goes on.')

    # ---- screen sharing: the registry says whose screen is shown; this tab's browser captures its own ----
    def _screen_reported(self, what: str, reason: str) -> None:
        call, media = self._call, self._media.element
        if call is None or media is None:
            return
        if what == 'started':
            try:
                shared = self._calls.share_screen(call.id, self.me)
            except CallRefused as refusal:
                self._stop_screen(media)
                self._say(f'Your screen is not shared: {refusal}')
                return
            self._shared_at = shared.seq
        elif what in {'stopped', 'ended'}:  # the button, or the browser's own "Stop sharing"
            self._shared_at = None
            self._act(call.id, self._calls.stop_sharing)
        elif what == 'refused':
            self._say('Screen sharing cancelled: no screen was chosen')
        else:
            log.info('%s could not share a screen: %s', self.me, reason)
            self._say(f'Your screen could not be shared ({reason})')

    def _follow_sharing(self, before: Call | None, call: Call) -> None:
        """One share at a time: this tab's share stops once the registry shows another one (or none); a share that
        takes over another is told on both sides."""
        media = self._media.element
        # (A snapshot older than the one that first showed this tab's share says nothing of it.)
        if self._shared_at is not None and media is not None and call.sharing != self.me and call.seq > self._shared_at:
            self._stop_screen(media)
        if before is None or before.id != call.id or None in (before.sharing, call.sharing) \
                or before.sharing == call.sharing:
            return
        peer = self._services.directory.label(call.peer_of(self.me))
        self._say(f"{peer}'s screen is no longer shown: yours is" if call.sharing == self.me else
                  f'{peer} is sharing their screen now: yours stopped')

    def _stop_screen(self, media: CallMediaElement) -> None:
        self._shared_at = None
        media.stop_screen()

    def _tick(self) -> None:
        call = self._call
        if call is None:
            return
        if self._ringing is not None and call.state is RINGING:
            left = max(0, round(call.ring_deadline - time.time()))
            self._ringing.show_countdown(f'Rings for {left} more seconds')
        if self._view is not None:
            self._view.tick()

    def _say(self, text: str, reply: str = '') -> None:
        self._notice.set_text(f'{text} ' if reply else text)  # the space before the reply, for every reader
        self._reason.set_text(reply)
        self._reason.set_visibility(bool(reply))
        self._notice.set_visibility(bool(text))

    # ---- WebRTC signals between two tabs (the registry says which tabs may exchange them) ----
    def _relay(self, call_id: str, to_tab: str, signal: dict) -> None:
        self._live.relay_signal(call_id, self.me, self.tab, to_tab, signal)

    def _receive_signal(self, call_id: str, sender: str, sender_tab: str, to_tab: str, signal: dict) -> None:
        if to_tab != self.tab:
            return  # for another tab of this user
        call = self._call
        if call is None or call.id != call_id or not call.live:
            log.warning('%s dropped a signal from %s for call %s: not on this tab', self.me, sender, call_id)
            return
        self._media.deliver(call, sender_tab, signal)
