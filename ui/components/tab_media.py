"""The call media of one tab (camera, microphone, connection): which kind the mode uses, when it runs here, which
tab of the peer each connection is with and what its reports mean for the call.

With instant answer (INSTANT_ANSWER) the call connects while it rings: the calling tab, and each ringing tab of the
callee (which sends nothing of its own before the accept). With WebRTC each ringing tab greets the calling tab,
which connects to each one that does (one connection per ringing tab); at the answer the calling tab keeps the
answering tab's and drops the others, whose tabs drop theirs as they show "answered elsewhere". With Agora RTC the
caller joins and publishes while it rings and the callee joins without publishing; Agora takes one session per user
in a channel, so only a callee with a single open tab joins before the accept (with several, each ringing tab
preloads the channel and the answering one joins at the accept).

The accept shows in the browser before the server hears of it: the answering tab's click reveals the caller and
opens the camera (`accept_js`), and the calling tab reveals the callee at its first media, each in the ringing card;
the call view then takes the playing media over. A refused accept (another tab won, the caller cancelled) deletes
the media like any other end of the call here.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from nicegui import ui

from backend.call_registry import RINGING, VIDEO, Call
from backend.services import Services

from ..agora_sdk import RTC_SDK, sdk_base
from .agora_rtc_call import AgoraRtcCall
from .call_media_element import CallMediaElement
from .call_signaling import Act
from .webrtc_call import WebRtcCall

log = logging.getLogger(__name__)
HELLO = {'hello': True}  # a ringing tab of the callee to the calling tab: connect to me


class TabMedia:
    def __init__(self, services: Services, me: str, tab: str, *, act: Act, send: Callable[[str, str, dict], None],
                 on_peer_media: Callable[[str, bool], None], on_quality: Callable[[int], None],
                 on_stats: Callable[[dict], None], on_camera_failed: Callable[[str], None],
                 on_screen: Callable[[str, str], None]) -> None:
        """`send` relays a WebRTC signal of a call to a tab of the peer; `on_peer_media`, `on_quality` (Agora RTC's
        level) and `on_stats` (WebRTC's numbers every 2 s) show what the media reports of the peer and the
        connection; `on_camera_failed` that a voice call's camera could not be turned on (the browser's words);
        `on_screen` hears of this browser's screen capture (CallMediaElement's `screen` report)."""
        self._services = services
        self._me, self._tab = me, tab
        self._act, self._send = act, send
        self._shows = {'on_peer_media': on_peer_media, 'on_quality': lambda up, down: on_quality(max(up, down)),
                       'on_camera_failed': on_camera_failed, 'on_screen': on_screen}
        self._on_stats = on_stats
        self._area = ui.element()  # outside the call panel's area: the media outlives the ringing cards
        self.element: CallMediaElement | None = None  # the one shown: in the ringing panel, then in the call view
        self._others: dict[str, WebRtcCall] = {}  # the calling tab's further connections, by ringing tab of the callee
        self._joins_early: tuple[str, bool] = ('', False)  # (call id, whether this callee tab joins Agora early)

    @property
    def element_class(self) -> type[CallMediaElement]:
        return WebRtcCall if self._services.settings.mode == 'embedded' else AgoraRtcCall

    @property
    def previews(self) -> bool:
        """The calling tab shows its camera in the ringing panel's <video> (Agora RTC plays into its own)."""
        return self.element_class is WebRtcCall

    def wanted(self, call: Call, kind: str) -> bool:
        """This tab runs the call's camera and connection: in the call; as the calling tab while it rings (the caller
        sees their camera, and the offer is ready when the callee answers; Agora's media needs a token, which exists
        before the answer only with instant answer); and, with instant answer, as a ringing tab of the callee."""
        instant = self._services.settings.instant_answer
        if kind == 'in_call':
            return True
        if kind == 'outgoing':
            return call.caller_tab == self._tab and (instant or self.element_class is WebRtcCall)
        return kind == 'incoming' and instant

    def _agora_joins_early(self, call: Call) -> bool:
        """Decided once per call, when it starts ringing here: a tab opened later must not stop this one's media."""
        if self._joins_early[0] != call.id:
            self._joins_early = (call.id, self._services.presence.tabs(self._me) == (self._tab,))
        return self._joins_early[1]

    def play_in(self, call: Call, local: str, remote: str, screen: str = '') -> CallMediaElement:
        """The media of `call`, playing into these video elements (started now, or moved from the ringing panel)."""
        if self.element is None:
            with self._area:
                self.element = self._start(call, local, remote, screen)
            if isinstance(self.element, WebRtcCall) and call.state is RINGING and self._me == call.callee:
                self._send(call.id, call.caller_tab or '', HELLO)
        else:
            self.element.show_in(local, remote, screen)
        return self.element

    def follow(self, call: Call) -> None:
        """A new snapshot of the call whose media runs here: once answered, only the answering tab's connection
        stays on the calling tab; a ringing tab of the callee whose calling tab moved (reloaded while it rang)
        drops its connection, and the call panel starts one with the tab that took over; an Agora channel left
        behind by a moved call is left."""
        element = self.element
        if isinstance(element, AgoraRtcCall) and element.channel not in ('', call.channel):
            self.stop()  # glare with a CallAPI app moved the call to the app's channel: join anew there
            return
        if not isinstance(element, WebRtcCall) or not call.live:
            return
        if self._me == call.callee:
            if element.peer_tab != (call.caller_tab or ''):
                self.stop()
            return
        if call.state is RINGING:
            return
        answering = call.callee_tab or ''
        if element.peer_tab is None:
            element.connect_to(answering)
        elif element.peer_tab != answering:
            element.delete()  # the camera goes with it; the answering tab's connection has one of its own
            self.element = self._others.pop(answering, None)  # None: that tab never greeted us: connect anew
        for other in self._others.values():
            other.delete()
        self._others.clear()

    def deliver(self, call: Call, sender_tab: str, signal: dict) -> None:
        """A signal from the peer's tab `sender_tab` for the connection with that tab."""
        if signal == HELLO:
            self._greeted(call, sender_tab)
            return
        element = self.element if getattr(self.element, 'peer_tab', None) == sender_tab else None
        element = element or self._others.get(sender_tab)
        if element is None:
            log.warning('%s dropped a signal of call %s from tab %s: no connection with it', self._me, call.id,
                        sender_tab)
            return
        element.deliver(signal)

    def _greeted(self, call: Call, callee_tab: str) -> None:
        element = self.element
        if not isinstance(element, WebRtcCall) or call.state is not RINGING:
            return
        if element.peer_tab is None:
            element.connect_to(callee_tab)  # its offer is made already
        elif element.peer_tab != callee_tab and callee_tab not in self._others:
            with self._area:  # its own camera, for its own connection; the callee shows where the first one's would
                self._others[callee_tab] = self._start(call, '', element.props['remote-video'], '',
                                                       peer_tab=callee_tab)

    def stop(self) -> None:
        for element in (self.element, *self._others.values()):
            if element is not None:
                element.delete()  # the browser side stops the camera and closes the connection
        self.element = None
        self._others.clear()

    def _start(self, call: Call, local: str, remote: str, screen: str, *,
               peer_tab: str | None = None) -> CallMediaElement:
        calls, settings = self._services.calls, self._services.settings
        ringing = call.state is RINGING
        caller = self._me == call.caller
        common = {'video_call': call.kind is VIDEO, 'local_video_id': local, 'remote_video_id': remote,
                  'screen_video_id': screen, 'ringing': ringing,
                  'reveal_at': ('first-media' if caller else 'accept') if ringing else '',
                  'on_connected': lambda: self._act(call.id, calls.media_connected),
                  'on_lost': lambda: self._act(call.id, calls.media_lost),
                  'on_failed': lambda reason: self._act(call.id, calls.media_failed, reason),
                  'on_connect_failed': lambda reason: self._act(call.id, calls.connect_failed, reason),
                  **self._shows}
        if self.element_class is WebRtcCall:
            if peer_tab is None:
                peer_tab = (None if ringing else call.callee_tab or '') if caller else call.caller_tab or ''
            return WebRtcCall(configuration=lambda: self._services.ice.for_call(call.id, self._me),
                              polite=not caller, peer_tab=peer_tab, camera=caller or not ringing,
                              send=lambda tab, signal: self._send(call.id, tab, signal),
                              on_stats=self._on_stats, **common)
        agora, peer = self._services.agora, call.peer_of(self._me)
        return AgoraRtcCall(sdk_url=f'{sdk_base(settings)}/{RTC_SDK}', publish=caller or not ringing,
                            join_now=caller or not ringing or self._agora_joins_early(call),
                            grant=lambda: agora.rtc(call.id, self._me),
                            screen_grant=lambda: agora.rtc(call.id, self._me, screen=True),
                            screen_uids=(agora.screen_uid(self._me), agora.screen_uid(peer)),
                            on_peer_left=lambda reason: self._act(call.id, calls.peer_left, reason),
                            **common)
