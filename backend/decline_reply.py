"""A decline's reply: the short text a callee sends instead of a silent decline ("In a meeting").

The callee picks a quick reply or types one; a CallAPI app's `rejectReason` arrives as one too. The registry takes
only what `reply_problem` passes, whatever the browser allowed, and the pages show it as text, never as HTML.
"""
from __future__ import annotations

import re
import unicodedata

MAX_REPLY_CHARS = 120
QUICK_REPLIES = ("Can't talk now, I'll call you back", 'In a meeting', 'Call you in 5 minutes')
_BLANKS = re.compile(r'\s+')


def reply_problem(reply: object) -> str | None:
    """Why `reply` cannot be sent as a decline's reply, in words for the person; None when it can."""
    if not isinstance(reply, str):
        return 'A reply is text.'
    text = reply.strip()
    if not text:
        return 'Type a reply first, or pick one of the quick replies.'
    if len(text) > MAX_REPLY_CHARS:
        return f'A reply is at most {MAX_REPLY_CHARS} characters (this one has {len(text)}).'
    if any(unicodedata.category(char) == 'Cc' for char in text):
        return 'A reply is one line of text.'
    return None


def peer_reply(reason: str | None) -> str:
    """A reply as another app sent it (a CallAPI app's `rejectReason`), made fit to show: one line, control
    characters as spaces, cut to `MAX_REPLY_CHARS` with an ellipsis; '' when nothing is left."""
    text = ''.join(' ' if unicodedata.category(char) == 'Cc' else char for char in reason or '')
    text = _BLANKS.sub(' ', text).strip()
    return text if len(text) <= MAX_REPLY_CHARS else text[:MAX_REPLY_CHARS - 1].rstrip() + '…'
