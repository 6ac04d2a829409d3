"""What reaches this process's tabs about calls: each call snapshot, each media signal between the two parties'
tabs, and each ended call once it is in the history.

In one process these are handed on as they are made. With a bus (`REDIS_URL`: several processes, a person's tabs
and their peer's possibly on other processes) each is also published, and what the other processes publish
arrives here the same way: every listener sees every snapshot whichever process made it, and drops stale ones by
the snapshot's sequence number as before.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .call_json import call_from_fields
from .call_registry import Call
from .redis_bus import RedisBus
from .signal import Signal


@dataclass(frozen=True)
class MediaSignal:
    """A WebRTC offer, answer or candidate from `sender`'s tab `sender_tab` to `peer`'s tab `to_tab`, for the call
    `call_id`."""
    call_id: str
    sender: str
    sender_tab: str
    to_tab: str
    peer: str
    signal: dict


class Delivery:
    def __init__(self, bus: RedisBus | None = None) -> None:
        self._bus = bus
        self.calls: Signal[Call] = Signal()  # every new snapshot of every call
        self.signals: Signal[MediaSignal] = Signal()
        self.stored: Signal[Call] = Signal()  # an ended call, just written to the history
        if bus is not None:
            bus.on('call', lambda data: self.calls.emit(call_from_fields(data)))
            bus.on('signal', lambda data: self.signals.emit(MediaSignal(**data)))
            bus.on('stored', lambda data: self.stored.emit(call_from_fields(data)))

    def call_changed(self, call: Call) -> None:
        self.calls.emit(call)
        if self._bus is not None:
            self._bus.publish('call', asdict(call))

    def send_signal(self, signal: MediaSignal) -> None:
        self.signals.emit(signal)
        if self._bus is not None:
            self._bus.publish('signal', asdict(signal))

    def call_stored(self, call: Call) -> None:
        self.stored.emit(call)
        if self._bus is not None:
            self._bus.publish('stored', asdict(call))
