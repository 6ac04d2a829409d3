"""Embedded-mode media: a peer-to-peer WebRTC connection whose signals Python relays between two tabs.

The signals wait here, in one place: the caller's own until it is known which tab of the callee they go to (the
answering tab; with instant answer, each ringing tab as soon as it shows the call), and the peer's until this
browser side is mounted.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from backend.agora_credentials import CredentialRefused

from .call_media_element import CallMediaElement


class WebRtcCall(CallMediaElement, component='webrtc_call.js'):
    """Also reports `ready`, `signal`, `state`, `connect-failed` (no way to the peer: a relay refused this call's
    credentials) and `stats` (the connection's numbers, every 2 s)."""

    def __init__(self, *, configuration: Callable[[], dict], polite: bool, peer_tab: str | None, camera: bool,
                 send: Callable[[str, dict], None], on_stats: Callable[[dict], None], **common: Any) -> None:
        """`configuration` gives the peer connection's (ICE servers with this call's TURN credentials, the transport
        policy), asked for when the browser side is ready: never part of the page itself.
        `peer_tab`: the peer's tab this connection is with; None: not known yet (the caller's, before the answer),
        what it sends is held until `connect_to`.
        `camera`: open the camera and microphone at once; False: only at the reveal (a callee connecting while
        it rings). `send` passes a signal to a tab of the peer; `common` are the arguments of every
        CallMediaElement."""
        super().__init__(**common)
        self.props['polite'] = polite
        self.peer_tab = peer_tab
        self._configuration = configuration
        self._camera = camera
        self._send = send
        self._outbox: list[dict] | None = [] if peer_tab is None else None  # None: sent as they come
        self._inbox: list[dict] | None = []  # None: the browser side is mounted and applies them
        self._sending = {'audio': True, 'video': self.props['video-call']}  # what the peer's view shows of ours
        self.on('ready', self._ready)
        self.on('signal', lambda event: self._outgoing(event.args))
        self.on('connect-failed', lambda event: self._connect_failed(str(event.args.get('reason', ''))))
        self.on('stats', lambda event: on_stats(event.args))

    def _outgoing(self, signal: dict) -> None:
        if self._outbox is None:
            if not signal.get('complete'):  # the complete offer only stands in for held signals
                self._send(self.peer_tab, signal)
        elif signal.get('complete'):  # the held offer, now with every candidate in it: the one signal the peer needs
            self._outbox = [signal]
        else:  # nothing before the peer's tab is known; then in order
            self._outbox.append(signal)

    def connect_to(self, peer_tab: str) -> None:
        """Send to this tab of the peer from now on, what was held first."""
        self.peer_tab = peer_tab
        if self._outbox:
            # Not now: at the answer the registry tells the caller's tabs first, and the callee's tab takes signals
            # only once it shows the call. Soon: the offer is what the callee's browser waits for.
            asyncio.get_running_loop().call_soon(self._release)
        else:
            self._outbox = None

    def _release(self) -> None:
        signals, self._outbox = self._outbox or [], None
        for signal in signals:
            self._send(self.peer_tab, signal)

    def answered(self) -> None:
        super().answered()
        self._camera = True  # `reveal` opened it

    def deliver(self, signal: dict) -> None:
        if 'media' in signal:  # the peer's microphone and camera, on or off
            for kind, on in signal['media'].items():
                self._on_peer_media(kind, bool(on))
        elif self._inbox is None:
            self.run_method('applySignal', signal)
        else:
            self._inbox.append(signal)

    def _ready(self) -> None:
        try:
            configuration = self._configuration()
        except CredentialRefused as refusal:
            self._connect_failed(str(refusal))
            return
        self.run_method('start', configuration, self._camera)
        signals, self._inbox = self._inbox or [], None
        for signal in signals:
            self.run_method('applySignal', signal)

    def _connected(self) -> None:
        super()._connected()
        self._outgoing({'media': dict(self._sending)})  # the peer's view may be newer than our last toggle

    def set_enabled(self, kind: str, enabled: bool) -> None:
        super().set_enabled(kind, enabled)
        self._sending[kind] = enabled
        self._outgoing({'media': dict(self._sending)})  # Agora RTC tells the peer itself (user-unpublished)
