"""The callee's decline with a message: three quick replies and a short text of their own, on the incoming banner.

Built at each opening by `decline-with-message` (every element of the banner delays the ring). A reply is checked
here, on the server, with the registry's own rule (backend/decline_reply.py): a refused one shows why and sends
nothing.
"""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from backend.decline_reply import MAX_REPLY_CHARS, QUICK_REPLIES, reply_problem

from ..testids import hook


def decline_replies(on_reply: Callable[[str], None]) -> ui.column:
    """The replies; `on_reply(text)` declines the call with `text`, a reply that passed the check."""
    def send() -> None:
        problem = reply_problem(text.value)
        text.error = problem
        if problem is None:
            on_reply(text.value.strip())

    with ui.column().classes('decline-replies w-full gap-2 pt-3') as replies:  # ui/css/decline_replies.css
        replies.props['role'] = 'group'
        replies.props['aria-label'] = 'Decline with a message'
        with ui.row().classes('gap-2'):
            for reply in QUICK_REPLIES:
                hook(ui.button(reply, on_click=lambda reply=reply: on_reply(reply)), 'quick-reply') \
                    .props('outline no-caps color=white')
        with ui.row().classes('w-full items-start no-wrap gap-2'):
            text = hook(ui.input('Or write a reply', validation=lambda value: reply_problem(value) if value else None),
                        'reply-text').classes('grow').props(f'dark dense outlined counter '
                                                            f'autofocus hint="At most {MAX_REPLY_CHARS} characters"')
            text.on('keydown.enter', send)
            hook(ui.button('Send', icon='send', on_click=send), 'send-reply') \
                .props('outline no-caps color=white').classes('mt-1')
    return replies
