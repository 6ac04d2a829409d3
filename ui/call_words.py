"""What each side of a call reads when it ends, in plain words."""
from __future__ import annotations

from backend.call_history import HistoryEntry
from backend.call_registry import Call, CallKind, EndReason

from .failure_reasons import shown_reason

ANSWERED_ELSEWHERE = 'Answered on another tab'


def kind_words(kind: CallKind) -> str:
    """`Voice call` or `Video call`."""
    return 'Voice call' if kind is CallKind.VOICE else 'Video call'


def clock(seconds: float) -> str:
    """00:42, or 1:02:03 past an hour."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f'{hours}:{rest // 60:02d}:{rest % 60:02d}' if hours else f'{rest // 60:02d}:{rest % 60:02d}'


def end_notice(call: Call, me: str, peer_name: str = '') -> str:
    """The line shown to `me` when `call` has ended; `peer_name` is how the other person is shown (their display
    name), their username by default."""
    peer = call.peer_of(me)
    name = peer_name or peer
    calling = me == call.caller
    by_me = call.ended_by == me
    shown = shown_reason(call.detail)  # a peer's browser may send any text: only the fixed reasons are shown
    detail = f': {shown}' if shown else ''
    reason = call.end_reason
    if reason is EndReason.COMPLETED:
        ended = f'Call ended · {clock(call.duration)}'
        return ended if by_me else f'{ended} · {name} hung up'
    if reason is EndReason.OFFLINE:
        if calling:
            return f'{name} went offline' if call.ended_by == peer else f'{name} is offline'
        return f'Missed call from {name}'
    if reason is EndReason.BUSY:
        return f'{name} is on another call' if calling else f'Missed call from {name} while you were on another call'
    if reason is EndReason.DECLINED:
        if call.reply:  # the reply itself is shown beside these words (decline-reason), as text
            return f'{name} replied:' if calling else f'You replied to {name}:'
        return f'{name} declined' if calling else f'You declined the call from {name}'
    if reason is EndReason.NO_ANSWER:
        return 'No answer' if calling else f'Missed call from {name}'
    if reason is EndReason.CANCELLED:
        return 'Call cancelled' if by_me else f'{name} cancelled · missed call'
    if reason is EndReason.CONNECT_FAILED:
        return f'Could not connect the call{detail}'
    if reason is EndReason.MEDIA_FAILED:
        if by_me:
            return f'Your camera or microphone is not available{detail}. The call ended.'
        return f"{name}'s camera or microphone is not available{detail}. The call ended."
    if reason is EndReason.CONNECTION_LOST:
        if by_me:
            return 'Your connection was lost. The call ended.'
        return f'Lost the connection to {name}. The call ended.'
    if shown:
        return f'The call failed{detail}.'
    return 'The call ended unexpectedly (the server stopped).'


HISTORY_RESULTS = {
    EndReason.CANCELLED: 'Cancelled',
    EndReason.DECLINED: 'Declined',
    EndReason.BUSY: 'Busy',
    EndReason.NO_ANSWER: 'No answer',
    EndReason.OFFLINE: 'Offline',
    EndReason.CONNECT_FAILED: 'Could not connect',
    EndReason.MEDIA_FAILED: 'Camera or microphone failed',
    EndReason.CONNECTION_LOST: 'Connection lost',
    EndReason.ERROR: 'Interrupted',
}


def history_result(entry: HistoryEntry) -> str:
    """The result column of one history entry, e.g. "Completed · 00:42" or "Missed"."""
    if entry.result is EndReason.COMPLETED or (entry.duration and entry.result is EndReason.CONNECTION_LOST):
        return f'{HISTORY_RESULTS.get(entry.result, "Completed")} · {clock(entry.duration)}'
    if entry.missed:
        return 'Missed'
    if entry.reply:
        return f'{HISTORY_RESULTS[entry.result]} · “{entry.reply}”'
    return HISTORY_RESULTS[entry.result]

