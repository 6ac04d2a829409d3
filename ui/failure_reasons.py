"""The failure reasons people read: a fixed set, whatever a browser sends.

A browser reports why its camera or connection failed as free text (the `reason` of webrtc_call.js and
agora_rtc_call.js), and both people read it in the call's end line. A peer's browser can send anything there, so
only the reasons these components send are shown (the ones with a varying tail, e.g. an SDK's error code, only up
to it); anything else is dropped from the line and written to the server log, cut.
"""
from __future__ import annotations

import logging

from backend.redis_outage import LOST

log = logging.getLogger(__name__)

SHOWN = frozenset({
    'permission to use the camera or microphone was denied',
    'no camera or microphone was found',
    'the chosen camera or microphone is not available',
    'the camera or microphone is busy in another program',
    'the camera or microphone could not be started',
    'the camera or microphone does not support the requested settings',
    'the relay (TURN server) refused its credentials',
    'no network path was found (the relay, TURN server, could not be reached)',
    'Agora signaling could not confirm the answer',
    LOST,  # the server's own, when Redis is lost mid-call (several processes)
    # RTM 1.x's LocalInvitationFailureReason codes (the ones without words of their own in the registry)
    *(f'Agora signaling failed ({code})' for code in ('UNKNOWN', 'NOT_LOGGEDIN')),
})
SHOWN_UP_TO_DETAILS = ('Cannot reach the video service', 'Cannot publish to the video service',
                       'could not load the Agora video SDK', 'Agora signaling failed')
LOGGED_CHARACTERS = 200


def shown_reason(detail: str) -> str:
    """The words of `detail` that people may read: one of the fixed reasons, or ''."""
    if detail in SHOWN:
        return detail
    return next((start for start in SHOWN_UP_TO_DETAILS if detail.startswith(start)), '')


def log_reason(call_id: str, detail: str) -> None:
    """Keep a browser's own words for the operator, cut, and quoted (no line breaks of its own reach the log)."""
    if detail and detail != LOST:  # LOST is the server's own (logged when Redis was lost)
        log.warning('call %s: the browser reported %r', call_id, detail[:LOGGED_CHARACTERS])
