"""What a ringing call looks like: the callee's incoming banner and the caller's outgoing panel.

Each is ONE element drawn by ringing_cards.js plus its buttons: the server builds them on every tab of both people
at each invitation, and every element it creates delays the banner the callee is waiting for.
"""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from backend.call_registry import CallKind

from ..call_words import kind_words
from ..testids import hook
from .decline_replies import decline_replies
from .person_avatar import AVATAR_JS


class RingingCard(TextElement, component='ringing_cards.js', dependencies=[AVATAR_JS]):
    """The text is the other person's name, `avatar` theirs (person_avatar.py); `show_countdown` sets the line under
    it. With `preview`, the caller's own camera shows in it (`preview_id`) while it rings. The call media shows the
    other person in it (`reveal_id`) from the accept until the call view takes them over."""

    def __init__(self, peer: str, kind: CallKind, *, avatar: dict[str, str], incoming: bool,
                 preview: bool = False) -> None:
        super().__init__(text=peer)
        self._props.update({'incoming': incoming, 'countdown': '', 'avatar': avatar, 'kind': kind_words(kind).lower(),
                            'preview-id': f'{self.html_id}-preview' if preview else '',
                            'reveal-id': f'{self.html_id}-reveal'})
        self.accept_button: ui.button | None = None  # the callee's

    @property
    def reveal_id(self) -> str:
        return self._props['reveal-id']

    @property
    def preview_id(self) -> str:
        return self._props['preview-id']

    def show_countdown(self, text: str) -> None:
        self._props['countdown'] = text  # a change of the props is sent by itself

    def show_peer(self, name: str, avatar: dict[str, str]) -> None:
        """The other person's new display name, in place: their media keeps playing in the card."""
        self.set_text(name)
        self._props['avatar'] = avatar

    def _displayed_contents(self, *, only_visible: bool) -> list:
        words = 'is calling you' if self._props['incoming'] else f'Calling {self.text}…'
        return [self.text, words, self._props['kind'], self._props['countdown']]


def incoming_banner(caller: str, kind: CallKind, on_accept: Callable[[], None] | None,
                    on_decline: Callable[[str], None], *, avatar: dict[str, str]) -> RingingCard:
    """`on_decline(reply)`: declined with the callee's reply, or without one (''). `on_accept` None: the caller
    gives `accept_button` a click handler of its own."""
    banner = hook(RingingCard(caller, kind, avatar=avatar, incoming=True), 'incoming-call')
    banner.mark('incoming-call', 'incoming-caller')  # the simulated user reads the caller's name from the text

    replies: list[ui.column] = []  # the open replies: built at each opening, so the text field takes the focus

    def toggle_replies() -> None:
        if replies:
            close_replies()
            return
        # Escape closes them as it closes a menu, without declining; the browser gives the button back the focus
        # at once, before the server removes them.
        escape = f'() => {{ getHtmlElement({more.id}).focus(); emit(); }}'
        with banner.slots.get('replies') or banner.add_slot('replies'):
            replies.append(decline_replies(on_decline).on('keydown.escape', close_replies, js_handler=escape))
        more.props['aria-expanded'] = 'true'

    def close_replies() -> None:
        if replies:
            replies.pop().delete()
            more.props['aria-expanded'] = 'false'

    with banner.add_slot('actions'):
        hook(ui.button('Decline', icon='call_end', color='negative', on_click=lambda: on_decline('')), 'decline-call')
        more = hook(ui.button('Decline with a message', icon='chat', color='white', on_click=toggle_replies),
                    'decline-with-message').props('outline')
        more.props['aria-expanded'] = 'false'
        # green-9: white text reads on it (4.5:1); Quasar's positive green is too light
        banner.accept_button = hook(ui.button('Accept', icon='call' if kind is CallKind.VOICE else 'videocam',
                                              color='green-9', on_click=on_accept), 'accept-call')
    return banner


def outgoing_panel(callee: str, kind: CallKind, on_cancel: Callable[[], None], *, avatar: dict[str, str],
                   preview: bool) -> RingingCard:
    panel = hook(RingingCard(callee, kind, avatar=avatar, incoming=False, preview=preview), 'outgoing-call')
    with panel.add_slot('actions'):
        hook(ui.button('Cancel', icon='call_end', color='negative', on_click=on_cancel), 'cancel-call')
    return panel


def elsewhere_card(peer: str, on_hang_up: Callable[[], None]) -> ui.label:
    """A call of this user that lives in another of their tabs; the label naming the peer (`elsewhere_words`)."""
    with ui.card().classes('w-full'):
        with ui.row().classes('w-full items-center no-wrap gap-4'):
            ui.icon('devices', size='md', color='primary')
            words = ui.label(elsewhere_words(peer)).classes('grow')
            ui.button('Hang up', icon='call_end', on_click=on_hang_up).props('color=negative outline')
    return words


def elsewhere_words(peer: str) -> str:
    return f'In a call with {peer} in another tab'
