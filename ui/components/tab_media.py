"""The call media of one tab (camera, microphone, connection): which kind the mode uses, when it runs here and
what its reports mean for the call."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from backend.call_registry import RINGING, Call
from backend.services import Services

from ..agora_sdk import RTC_SDK, sdk_base
from .agora_rtc_call import AgoraRtcCall
from .call_media_element import CallMediaElement
from .call_signaling import Act
from .webrtc_call import WebRtcCall


class TabMedia:
    def __init__(self, services: Services, me: str, tab: str, *, act: Act, send: Callable[[str, dict], None],
                 on_peer_media: Callable[[str, bool], None], on_quality: Callable[[int], None],
                 on_stats: Callable[[dict], None]) -> None:
        """`send` relays a WebRTC signal of a call to the peer's tab; `on_peer_media`, `on_quality` (Agora RTC's level)
        and `on_stats` (WebRTC's numbers every 2 s) show what the media reports of the peer and the connection."""
        self._services = services
        self._me, self._tab = me, tab
        self._act, self._send = act, send
        self._shows = {'on_peer_media': on_peer_media, 'on_quality': lambda up, down: on_quality(max(up, down))}
        self._on_stats = on_stats
        self._area = ui.element()  # outside the call panel's area: the caller's media outlives the ringing panel
        self.element: CallMediaElement | None = None

    @property
    def element_class(self) -> type[CallMediaElement]:
        return WebRtcCall if self._services.settings.mode == 'embedded' else AgoraRtcCall

    def wanted(self, call: Call, kind: str) -> bool:
        """This tab runs the call's camera and connection: in the call and, with WebRTC, already while it rings as
        the calling tab (the caller sees their camera, and the offer is ready when the callee answers). Agora's
        media needs a token, which exists only once the call is answered."""
        if kind == 'in_call':
            return True
        return kind == 'outgoing' and call.caller_tab == self._tab and self.element_class is WebRtcCall

    def play_in(self, call: Call, local: str, remote: str) -> CallMediaElement:
        """The media of `call`, playing into these video elements (started now, or moved from the ringing panel)."""
        if self.element is None:
            with self._area:
                self.element = self._start(call, local, remote)
        else:
            self.element.show_in(local, remote)
        return self.element

    def stop(self) -> None:
        if self.element is not None:
            self.element.delete()  # the browser side stops the camera and closes the connection
            self.element = None

    def _start(self, call: Call, local: str, remote: str) -> CallMediaElement:
        calls, settings = self._services.calls, self._services.settings
        common = {'local_video_id': local, 'remote_video_id': remote,
                  'on_connected': lambda: self._act(call.id, calls.media_connected),
                  'on_lost': lambda: self._act(call.id, calls.media_lost),
                  'on_failed': lambda reason: self._act(call.id, calls.media_failed, reason), **self._shows}
        if self.element_class is WebRtcCall:
            return WebRtcCall(configuration=lambda: self._services.ice.for_call(call.id, self._me),
                              polite=self._me == call.callee, ringing=call.state is RINGING,
                              send=lambda signal: self._send(call.id, signal),
                              on_connect_failed=lambda reason: self._act(call.id, calls.connect_failed, reason),
                              on_stats=self._on_stats, **common)
        return AgoraRtcCall(sdk_url=f'{sdk_base(settings)}/{RTC_SDK}',
                            grant=lambda: self._services.agora.rtc(call.id, self._me),
                            on_connect_failed=lambda reason: self._act(call.id, calls.connect_failed, reason),
                            on_peer_left=lambda reason: self._act(call.id, calls.peer_left, reason),
                            **common)
